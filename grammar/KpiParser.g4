// Parser for the .kpi language. See docs/language.md for the specification,
// including the operator precedence table that the `expr` rule encodes.
//
// The grammar is written for error recovery and for an AST builder that
// walks the parse tree directly (no visitor return values): every
// alternative that the builder distinguishes carries a `#label`.
parser grammar KpiParser;

options { tokenVocab = KpiLexer; }

file: topItem* EOF;

topItem
  : packageDecl
  | importDecl
  | dimensionDecl
  | calendarDecl
  | sourceDecl
  | metricDecl
  | fnDecl
  | goalDecl
  | roleDecl
  | reportDecl
  | expectDecl
  ;

packageDecl: PACKAGE qualifiedName attrBlock? SEMI?;
importDecl: IMPORT qualifiedName (AS alias=ident)? SEMI?;
qualifiedName: ident (DOT ident)*;

// ---- dimensions and calendars ---------------------------------------------
dimensionDecl: DIMENSION name=ident label=STRING? (COLON typeRef)? attrBlock? SEMI?;
calendarDecl: CALENDAR name=ident? label=STRING? attrBlock SEMI?;
attrBlock: LBRACE blockAttr* RBRACE;
blockAttr: ident (DOT lang=IDENT)? attrValue (COMMA attrValue)* SEMI?;
attrValue
  : STRING | INT | DECIMAL | PERCENT | DATE | TIMESTAMP | TRUE_ | FALSE_
  | MINUS (INT | DECIMAL)
  | qualifiedName
  | LBRACK (attrValue (COMMA attrValue)*)? RBRACK
  ;

// ---- sources ---------------------------------------------------------------
sourceDecl: SOURCE name=ident label=STRING? binding? sourceBody? SEMI?;
binding: FROM kind=ident LPAREN (bindingArg (COMMA bindingArg)*)? COMMA? RPAREN;
bindingArg: ((ident | NULL_) COLON)? attrValue;
sourceBody: LBRACE (sourceItem (COMMA | SEMI)?)* RBRACE;
sourceItem: columnDecl;
columnDecl: name=ident COLON typeRef columnModifier*;
typeRef: ident (LPAREN INT RPAREN)?;
columnModifier
  : STRING                         #headerModifier
  | KEY                            #keyModifier
  | TIME                           #timeModifier
  | ARROW ident                    #dimensionModifier
  | UNIT unitExpr                  #unitModifier
  | ENTITY ident                   #entityModifier
  | REFERENCES qualifiedName       #referencesModifier
  | ROLLUP ident                   #rollupModifier
  | LABEL STRING                   #labelModifier
  ;

// ---- units -------------------------------------------------------------------
unitExpr: unitTerm ((STAR | SLASH) unitTerm)*;
unitTerm
  : ident (CARET MINUS? INT)?     #namedUnit
  | INT                           #oneUnit
  | LPAREN unitExpr RPAREN        #parenUnit
  ;

// ---- metrics and functions ------------------------------------------------------
metricDecl: METRIC name=ident label=STRING? (COLON unit=unitExpr)? ASSIGN body=expr SEMI? (attrs+=metricAttr SEMI?)*;
fnDecl: FN name=ident (LT ident (COMMA ident)* GT)? LPAREN (param (COMMA param)*)? RPAREN (COLON unitExpr)? ASSIGN expr SEMI? (metricAttr SEMI?)*;
param: ident (COLON unitExpr)?;
metricAttr: attrKey attrValue (COMMA attrValue)*;
attrKey: OWNER | DESCRIPTION | FORMAT | TAGS | DEPRECATED | APPROVER | STATUS | DEFINITION | LABEL (DOT IDENT)?;

// ---- goals ----------------------------------------------------------------------
goalDecl: GOAL name=ident label=STRING? LBRACE goalItem* RBRACE SEMI?;
goalItem
  : METRIC expr SEMI?                                                   #goalMetric
  | PERIOD periodSpec (BY ident)? SEMI?                                 #goalPeriod
  | GRAIN ident SEMI?                                                   #goalGrain
  | TARGET expr SEMI?                                                   #goalTarget
  | DECOMPOSE ident ASSIGN expr SEMI?                                   #goalDecompose
  | DRILL ident (COMMA ident)* (TOP INT)? SEMI?                         #goalDrill
  | ALERT STRING? WHEN expr (SEVERITY ident)? (MESSAGE STRING)? SEMI?   #goalAlert
  | metricAttr SEMI?                                                    #goalAttr
  | IDENT attrValue (COMMA attrValue)* SEMI?                            #goalSetting
  ;
periodSpec: INT | DATE (DOTDOT DATE)? | STRING;

// ---- roles and reports -------------------------------------------------------------
roleDecl: ROLE name=ident label=STRING? (LPAREN (roleParam (COMMA roleParam)*)? RPAREN)? LBRACE roleItem* RBRACE SEMI?;
roleParam: ident COLON typeRef;
roleItem
  : qualifiedName WHERE expr SEMI?     #roleFilter
  | qualifiedName COLON ALL SEMI?      #roleAll
  | HIDE qualifiedName (COMMA qualifiedName)* SEMI?  #roleHide
  ;

reportDecl: REPORT name=ident label=STRING? LBRACE reportItem* RBRACE SEMI?;
reportItem
  : GOALS ident (COMMA ident)* SEMI?                                 #reportGoals
  | METRICS ident (COMMA ident)* SEMI?                               #reportMetrics
  | ROLE ident SEMI?                                                 #reportRole
  | CHART expr (BY ident (COMMA ident)*)? (AS ident)? SEMI?          #reportChart
  | metricAttr SEMI?                                                 #reportAttr
  | IDENT attrValue (COMMA attrValue)* SEMI?                         #reportSetting
  ;

// ---- data tests ------------------------------------------------------------------
// `expect` states what the data must satisfy; `kpic test` checks it. The
// subject of a source check is `source` or `source.column`; a metric check
// takes any metric expression, as a chart does.
expectDecl: EXPECT label=STRING? expectBody SEMI?;
expectBody
  : qualifiedName UNIQUE                                                      #expectUnique
  | qualifiedName NOT NULL_                                                   #expectNotNull
  | qualifiedName IN LPAREN attrValue (COMMA attrValue)* COMMA? RPAREN         #expectAccepted
  | qualifiedName FOUND IN qualifiedName                                      #expectFound
  | qualifiedName FRESH WITHIN INT ident                                      #expectFresh
  | qualifiedName ROWS CHANGE WITHIN expectBound                              #expectRows
  | expr BETWEEN expectBound AND expectBound expectBy?                        #expectRange
  | expr RECONCILES WITH expr expectBy? WITHIN expectBound                    #expectReconcile
  ;
expectBy: BY ident (COMMA ident)*;
expectBound: MINUS? primary;

// ---- expressions -----------------------------------------------------------------
// Earlier alternatives bind tighter. See the precedence table in docs/language.md.
// The labels (lhs=, args+=, ...) are fields that the parser fills as it
// goes: the AST builder reads them instead of the generated accessors, which
// search the children with a dynamic_cast each.
expr
  : lhs=expr DOT member=ident                                             #memberExpr
  | lhs=expr LPAREN (args+=arg (COMMA args+=arg)*)? COMMA? RPAREN          #callExpr
  | MINUS lhs=expr                                                        #negExpr
  | lhs=expr op=(STAR | SLASH) rhs=expr                                   #mulExpr
  | lhs=expr op=(PLUS | MINUS) rhs=expr                                   #addExpr
  | lhs=expr op=(EQEQ | NEQ | LT | LE | GT | GE) rhs=expr                 #cmpExpr
  | lhs=expr NOT? IN LPAREN items+=expr (COMMA items+=expr)* RPAREN       #inExpr
  | lhs=expr IS NOT? NULL_                                                #isNullExpr
  | NOT lhs=expr                                                          #notExpr
  | lhs=expr AND rhs=expr                                                 #andExpr
  | lhs=expr OR rhs=expr                                                  #orExpr
  | lhs=expr WHERE rhs=expr                                               #whereExpr
  | value=primary                                                         #primaryExpr
  ;

arg: (argName=ident COLON)? value=expr (BY by+=ident (COMMA by+=ident)*)?;

primary
  : number=(INT | DECIMAL) unitName=IDENT?          #numberLit
  | PERCENT                                         #percentLit
  | STRING                                          #stringLit
  | DATE                                            #dateLit
  | TIMESTAMP                                       #timestampLit
  | (TRUE_ | FALSE_)                                  #boolLit
  | NULL_                                            #nullLit
  | ref=ident                                       #nameRef
  | LPAREN inner=expr RPAREN                        #parenExpr
  ;

ident
  : IDENT
  | PACKAGE | IMPORT | AS | DIMENSION | CALENDAR | SOURCE | FROM | METRIC | METRICS
  | FN | GOAL | GOALS | ROLE | HIDE | REPORT | KEY | TIME | UNIT | ENTITY | REFERENCES
  | ROLLUP | OWNER | DESCRIPTION | DEPRECATED | APPROVER | STATUS | DEFINITION | LABEL | FORMAT | TAGS
  | PERIOD | GRAIN | TARGET | DECOMPOSE | DRILL | TOP | ALERT | WHEN | SEVERITY | MESSAGE | BY | ALL | CHART
  | EXPECT | UNIQUE | FOUND | FRESH | WITHIN | ROWS | CHANGE | BETWEEN | RECONCILES | WITH
  ;
