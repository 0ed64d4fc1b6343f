// Lexer for the .kpi language. See docs/language.md for the specification.
//
// Keywords are tokens, but almost all of them are "soft": the parser rule
// `ident` accepts them, so a column may be called `time`, `from` or `key`.
// Only the operator words (and, or, not, in, is, where, true, false, null)
// are reserved. Comments go to a hidden channel so the formatter can see
// them; error tokens (stray characters, unterminated strings and comments)
// never stop the lexer, the front end turns them into diagnostics.
//
// The file parser lexes with compiler/syntax/scanner.cc, these rules written
// out over bytes; the lexer generated from this file is its reference. A
// unit test and the parser fuzzer compare the two token by token, so a rule
// changed here fails them until the scanner follows.
lexer grammar KpiLexer;

channels { COMMENTS, ERRORS }

// ---- reserved words -------------------------------------------------------
AND: 'and';
OR: 'or';
NOT: 'not';
IN: 'in';
IS: 'is';
WHERE: 'where';
TRUE_: 'true';
FALSE_: 'false';
NULL_: 'null';

// ---- soft keywords --------------------------------------------------------
PACKAGE: 'package';
IMPORT: 'import';
AS: 'as';
DIMENSION: 'dimension';
CALENDAR: 'calendar';
SOURCE: 'source';
FROM: 'from';
METRIC: 'metric';
METRICS: 'metrics';
FN: 'fn';
GOAL: 'goal';
GOALS: 'goals';
ROLE: 'role';
HIDE: 'hide';
DEPRECATED: 'deprecated';
REPORT: 'report';
KEY: 'key';
TIME: 'time';
UNIT: 'unit';
ENTITY: 'entity';
REFERENCES: 'references';
ROLLUP: 'rollup';
OWNER: 'owner';
DESCRIPTION: 'description';
LABEL: 'label';
FORMAT: 'format';
TAGS: 'tags';
APPROVER: 'approver';
STATUS: 'status';
DEFINITION: 'definition';
PERIOD: 'period';
GRAIN: 'grain';
TARGET: 'target';
DECOMPOSE: 'decompose';
DRILL: 'drill';
TOP: 'top';
ALERT: 'alert';
WHEN: 'when';
SEVERITY: 'severity';
MESSAGE: 'message';
BY: 'by';
ALL: 'all';
CHART: 'chart';
EXPECT: 'expect';
UNIQUE: 'unique';
FOUND: 'found';
FRESH: 'fresh';
WITHIN: 'within';
ROWS: 'rows';
CHANGE: 'change';
BETWEEN: 'between';
RECONCILES: 'reconciles';
WITH: 'with';

// ---- punctuation ----------------------------------------------------------
ARROW: '->';
DOTDOT: '..';
DOT: '.';
COMMA: ',';
COLON: ':';
SEMI: ';';
LPAREN: '(';
RPAREN: ')';
LBRACE: '{';
RBRACE: '}';
LBRACK: '[';
RBRACK: ']';
EQEQ: '==';
NEQ: '!=';
LE: '<=';
GE: '>=';
LT: '<';
GT: '>';
ASSIGN: '=';
PLUS: '+';
MINUS: '-';
STAR: '*';
SLASH: '/';
CARET: '^';

// ---- literals -------------------------------------------------------------
TIMESTAMP: DATE_PART 'T' DIGIT DIGIT ':' DIGIT DIGIT (':' DIGIT DIGIT ('.' DIGIT+)?)? ('Z' | [+-] DIGIT DIGIT ':' DIGIT DIGIT)?;
DATE: DATE_PART;
PERCENT: NUMBER_PART '%';
DECIMAL: DIGITS '.' DIGIT+ EXPONENT? | DIGITS EXPONENT;
INT: DIGITS;
STRING: '"' ( ~["\\\r\n] | '\\' ~[\r\n] )* '"';
SINGLE_QUOTED_STRING: '\'' ( ~['\\\r\n] | '\\' ~[\r\n] )* '\'';
UNTERMINATED_STRING: '"' ( ~["\\\r\n] | '\\' ~[\r\n] )* ( '\\' )?;

// A name starts with a letter or `_` and goes on with letters, digits, marks
// and `_`. U+0001 (a letter) and U+0002 (a digit or mark) are the codes under
// which kpic's char stream shows the lexer code points outside ASCII
// (syntax/antlr_bridge.h, CodePointStream): ANTLR caches its transitions for
// ASCII only. Those control characters themselves reach the lexer as U+0004,
// "anything else", so the codes never stand for themselves.
IDENT: [\p{L}_\u0001] [\p{L}\p{N}\p{Mn}\p{Mc}_\u0001\u0002]*;

// ---- trivia ---------------------------------------------------------------
DOC_COMMENT: '///' ~[\r\n]* -> channel(COMMENTS);
LINE_COMMENT: '//' ~[\r\n]* -> channel(COMMENTS);
BLOCK_COMMENT: '/*' .*? '*/' -> channel(COMMENTS);
UNTERMINATED_COMMENT: '/*' ( ~'*' | '*'+ ~[*/] )* '*'* EOF -> channel(ERRORS);
HASH_COMMENT: '#' ~[\r\n]* -> channel(ERRORS);
// U+0003: white space outside ASCII, as kpic's char stream shows it (IDENT).
WS: [ \t\r\n\u000C\u00A0\u3000\uFEFF\u0003]+ -> skip;
ERROR_CHAR: . -> channel(ERRORS);

fragment DIGIT: [0-9];
fragment DIGITS: DIGIT ( DIGIT | '_' DIGIT )*;
fragment EXPONENT: [eE] [+-]? DIGIT+;
fragment NUMBER_PART: DIGITS ('.' DIGIT+)?;
fragment DATE_PART: DIGIT DIGIT DIGIT DIGIT '-' DIGIT DIGIT '-' DIGIT DIGIT;
