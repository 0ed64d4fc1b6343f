"""A minimal Parquet writer for files that DuckDB and arrow-rs do not write:
a few hundred bytes claiming billions of rows (one dictionary entry and one
RLE run per column), NaN and infinities in float columns, two columns of one
name, dictionary indices past the dictionary. The Thrift compact protocol is
encoded by hand, after parquet-format's parquet.thrift (field ids) and
Encodings.md; only flat, required columns, uncompressed, data pages v1.

usage (as a module): write(path, columns, rows) with Col(...) columns.
"""
import struct

# Thrift compact field types
_I32, _I64, _BIN, _LIST, _STRUCT = 5, 6, 8, 9, 12
# Parquet physical types, converted types, encodings, page types
BOOLEAN, INT32, INT64, INT96, FLOAT, DOUBLE, BYTE_ARRAY = range(7)
UTF8, DECIMAL, DATE = 0, 5, 6
_PLAIN, _RLE, _RLE_DICTIONARY = 0, 3, 8
_DATA_PAGE, _DICTIONARY_PAGE = 0, 2


def _varint(n):
    out = b""
    while True:
        b = n & 0x7F
        n >>= 7
        if not n:
            return out + bytes([b])
        out += bytes([b | 0x80])


def _zigzag(n):
    return (n << 1) ^ (n >> 63)


def _value(t, v):
    if t in (_I32, _I64):
        return _varint(_zigzag(v))
    if t == _BIN:
        v = v.encode() if isinstance(v, str) else v
        return _varint(len(v)) + v
    if t == _STRUCT:
        return _struct(v)
    if t == _LIST:
        et, items = v
        head = bytes([(len(items) << 4) | et]) if len(items) < 15 else bytes([0xF0 | et]) + _varint(len(items))
        return head + b"".join(_value(et, i) for i in items)
    raise ValueError(t)


def _struct(fields):
    """fields: (id, type, value) with value None for an absent field."""
    out, last = b"", 0
    for fid, t, v in sorted((f for f in fields if f[2] is not None), key=lambda f: f[0]):
        out += bytes([((fid - last) << 4) | t]) if 0 < fid - last <= 15 else bytes([t]) + _varint(_zigzag(fid))
        out += _value(t, v)
        last = fid
    return out + b"\x00"


def _plain(ptype, values):
    fmt = {INT32: "<i", INT64: "<q", FLOAT: "<f", DOUBLE: "<d"}
    if ptype in fmt:
        return b"".join(struct.pack(fmt[ptype], v) for v in values)
    if ptype == BYTE_ARRAY:
        return b"".join(struct.pack("<I", len(v)) + v for v in values)
    raise ValueError(ptype)


class Col:
    """A required column. Either `values` (one PLAIN page), or `dictionary`
    (its entries, PLAIN) with `indices` (one RLE_DICTIONARY page, bit-packed),
    or `dictionary` with `run` (one RLE run of `run` rows of index 0)."""

    def __init__(self, name, ptype, values=None, converted=None, scale=None, precision=None, dictionary=None,
                 indices=None, run=None):
        self.name, self.ptype, self.values = name, ptype, values
        self.converted, self.scale, self.precision = converted, scale, precision
        self.dictionary, self.indices, self.run = dictionary, indices, run

    def rows(self):
        return self.run if self.run is not None else len(self.indices if self.values is None else self.values)


def _page_header(ptype, size, count, encoding):
    if ptype == _DICTIONARY_PAGE:
        return _struct([(1, _I32, ptype), (2, _I32, size), (3, _I32, size),
                        (7, _STRUCT, [(1, _I32, count), (2, _I32, encoding)])])
    return _struct([(1, _I32, ptype), (2, _I32, size), (3, _I32, size),
                    (5, _STRUCT, [(1, _I32, count), (2, _I32, encoding), (3, _I32, _RLE), (4, _I32, _RLE)])])


def _bitpacked(indices, width):
    groups = (len(indices) + 7) // 8
    bits = nbits = 0
    out = bytearray()
    for v in indices + [0] * (groups * 8 - len(indices)):
        bits |= v << nbits
        nbits += width
        while nbits >= 8:
            out.append(bits & 0xFF)
            bits >>= 8
            nbits -= 8
    return _varint((groups << 1) | 1) + bytes(out)


def write(path, columns):
    """Writes one row group of the columns (all of one row count)."""
    rows = columns[0].rows()
    body = bytearray(b"PAR1")
    chunks = []
    for c in columns:
        start = len(body)
        dict_offset = None
        if c.dictionary is not None:
            page = _plain(c.ptype, c.dictionary)
            body += _page_header(_DICTIONARY_PAGE, len(page), len(c.dictionary), _PLAIN) + page
            dict_offset = start
            width = max(1, max([len(c.dictionary) - 1] + (c.indices or [])).bit_length())
            if c.run is not None:
                payload = bytes([width]) + _varint(c.run << 1) + bytes((width + 7) // 8)
            else:
                payload = bytes([width]) + _bitpacked(c.indices, width)
            encoding = _RLE_DICTIONARY
        else:
            payload, encoding = _plain(c.ptype, c.values), _PLAIN
        data_offset = len(body)
        body += _page_header(_DATA_PAGE, len(payload), c.rows(), encoding) + payload
        size = len(body) - start
        meta = [(1, _I32, c.ptype), (2, _LIST, (_I32, [_PLAIN, _RLE] + ([_RLE_DICTIONARY] if dict_offset else []))),
                (3, _LIST, (_BIN, [c.name])), (4, _I32, 0), (5, _I64, c.rows()), (6, _I64, size), (7, _I64, size),
                (9, _I64, data_offset), (11, _I64, dict_offset)]
        chunks.append([(2, _I64, start), (3, _STRUCT, meta)])
    schema = [[(4, _BIN, "schema"), (5, _I32, len(columns))]]
    for c in columns:
        schema.append([(1, _I32, c.ptype), (3, _I32, 0), (4, _BIN, c.name), (6, _I32, c.converted),
                       (7, _I32, c.scale), (8, _I32, c.precision)])
    row_group = [(1, _LIST, (_STRUCT, chunks)), (2, _I64, len(body) - 4), (3, _I64, rows)]
    footer = _struct([(1, _I32, 1), (2, _LIST, (_STRUCT, schema)), (3, _I64, rows),
                      (4, _LIST, (_STRUCT, [row_group]))])
    with open(path, "wb") as f:
        f.write(bytes(body) + footer + struct.pack("<I", len(footer)) + b"PAR1")
