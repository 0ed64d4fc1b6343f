"""The oracle's environment for the Python tests of tests/forecast: Debian's
python3-statsmodels, which the PATH's python3 may lack."""
import os
import sys


def reexec_or_skip():
    """Re-runs the test under Debian's /usr/bin/python3, where
    python3-statsmodels lives; without it, exits 77 (CTest: skipped)."""
    debian = "/usr/bin/python3"
    if os.path.exists(debian) and os.path.realpath(sys.executable) != os.path.realpath(debian) \
            and not os.environ.get("KPIC_FORECAST_REEXEC"):
        os.environ["KPIC_FORECAST_REEXEC"] = "1"
        os.execv(debian, [debian] + sys.argv)
    print("SKIP: statsmodels is not installed (apt-get install python3-statsmodels)")
    sys.exit(77)
