"""A tiny xorshift64 PRNG shared by the example data generators.

Python's own `random` may change its algorithms between versions; this one
never does, so the committed example data is reproducible byte for byte.
"""


class Rng:
    def __init__(self, seed):
        self.s = seed & 0xFFFFFFFFFFFFFFFF or 1

    def next(self):
        s = self.s
        s ^= (s << 13) & 0xFFFFFFFFFFFFFFFF
        s ^= s >> 7
        s ^= (s << 17) & 0xFFFFFFFFFFFFFFFF
        self.s = s
        return s

    def uniform(self):
        return (self.next() >> 11) / float(1 << 53)

    def below(self, n):
        return self.next() % n

    def pick(self, items):
        return items[self.below(len(items))]
