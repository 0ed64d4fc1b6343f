"""Shared by the Python tests: count checks, list the failures, exit 1 on any.

    from checks import Checks
    c = Checks("name")
    c.expect("what", got, want)
    c.fail("why")        # a failure without a comparison
    c.finish()           # prints "name: N passed, M failed", exits
"""
import sys


class Checks:
    def __init__(self, label):
        self.label, self.passed, self.failures = label, 0, []

    def expect(self, name, got, want):
        if got == want:
            self.passed += 1
        else:
            self.failures.append(f"{name}: got {got!r}, want {want!r}")

    def fail(self, why):
        self.failures.append(why)

    def finish(self):
        print(f"{self.label}: {self.passed} passed, {len(self.failures)} failed")
        for f in self.failures:
            print("FAIL:", f)
        sys.exit(1 if self.failures else 0)
