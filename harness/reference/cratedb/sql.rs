//! The part of CrateDB's SQL the reference server runs over `/_sql`: which statement, on which
//! relations, with which values — enough to check privileges as CrateDB does. `WHERE` clauses are
//! read past, not evaluated. Pure: text in, a [`Statement`] or a parse error out.

use serde_json::Value;

use super::privileges::Permission;

mod lex;

use lex::{Token, tokens};

/// `schema.table`, or `table` in the default schema `doc`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Name {
    pub schema: Option<String>,
    pub table: String,
}

impl Name {
    pub fn fqn(&self) -> String {
        format!("{}.{}", self.schema.as_deref().unwrap_or("doc"), self.table)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum Item {
    Star,
    CurrentUser,
    Column(String),
    Literal(Value),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    Grant,
    Deny,
    Revoke,
}

/// What a privilege statement is on: `CLUSTER` (no `ON`), schemas or tables.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum On {
    Cluster,
    Schemas(Vec<String>),
    Tables(Vec<Name>),
}

#[derive(Debug, Clone, PartialEq)]
pub enum Statement {
    /// `from`: the relation rows come from; `reads`: every relation named after a `FROM` or `JOIN`.
    Select {
        items: Vec<Item>,
        from: Option<Name>,
        reads: Vec<Name>,
    },
    Insert {
        table: Name,
        columns: Vec<String>,
        rows: Vec<Vec<Value>>,
    },
    Update {
        table: Name,
        set: Vec<(String, Value)>,
        filtered: bool,
    },
    Delete {
        table: Name,
        filtered: bool,
    },
    CreateTable {
        table: Name,
        columns: Vec<String>,
        if_not_exists: bool,
    },
    DropTable {
        table: Name,
        if_exists: bool,
    },
    /// `REFRESH TABLE a, b`: makes written rows visible to queries (needs DQL).
    Refresh {
        tables: Vec<Name>,
    },
    Privileges {
        change: Change,
        permissions: Vec<Permission>,
        on: On,
        users: Vec<String>,
    },
}

/// `SQLParseException[…]`: the statement is not one the reference knows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError(pub String);

type Parsed<T> = Result<T, ParseError>;

fn fail<T>(message: impl Into<String>) -> Parsed<T> {
    Err(ParseError(message.into()))
}

struct Parser<'a> {
    tokens: Vec<Token>,
    at: usize,
    args: &'a [Value],
}

impl Parser<'_> {
    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.at)
    }

    fn is(&self, keyword: &str) -> bool {
        matches!(self.peek(), Some(Token::Word(w)) if w == keyword)
    }

    fn eat(&mut self, keyword: &str) -> bool {
        let found = self.is(keyword);
        self.at += usize::from(found);
        found
    }

    fn expect(&mut self, keyword: &str) -> Parsed<()> {
        if self.eat(keyword) {
            return Ok(());
        }
        fail(format!("expected {}", keyword.to_uppercase()))
    }

    fn sym(&mut self, c: char) -> bool {
        let found = self.peek() == Some(&Token::Sym(c));
        self.at += usize::from(found);
        found
    }

    fn ident(&mut self) -> Parsed<String> {
        match self.peek().cloned() {
            Some(Token::Word(w) | Token::Quoted(w)) => {
                self.at += 1;
                Ok(w)
            }
            _ => fail("expected an identifier"),
        }
    }

    fn name(&mut self) -> Parsed<Name> {
        let first = self.ident()?;
        if self.sym('.') {
            return Ok(Name {
                schema: Some(first),
                table: self.ident()?,
            });
        }
        Ok(Name {
            schema: None,
            table: first,
        })
    }

    fn list<T>(&mut self, mut one: impl FnMut(&mut Self) -> Parsed<T>) -> Parsed<Vec<T>> {
        let mut items = vec![one(self)?];
        while self.sym(',') {
            items.push(one(self)?);
        }
        Ok(items)
    }

    fn value(&mut self) -> Parsed<Value> {
        let negative = self.sym('-');
        let token = self.peek().cloned();
        self.at += 1;
        Ok(match token {
            Some(Token::Str(s)) if !negative => Value::String(s),
            Some(Token::Num(n)) => {
                let n = if negative { format!("-{n}") } else { n };
                serde_json::from_str(&n).map_err(|_| ParseError(format!("bad number {n}")))?
            }
            Some(Token::Word(w)) if w == "true" || w == "false" => Value::Bool(w == "true"),
            Some(Token::Word(w)) if w == "null" => Value::Null,
            Some(Token::Param(Some(i))) => match self.args.get(i) {
                Some(v) => v.clone(),
                None => return fail(format!("the statement needs at least {} args", i + 1)),
            },
            _ => return fail("expected a value"),
        })
    }

    fn parenthesised<T>(&mut self, one: impl FnMut(&mut Self) -> Parsed<T>) -> Parsed<Vec<T>> {
        if !self.sym('(') {
            return fail("expected (");
        }
        let items = self.list(one)?;
        if !self.sym(')') {
            return fail("expected )");
        }
        Ok(items)
    }

    fn done(&self) -> Parsed<()> {
        match self.peek() {
            None => Ok(()),
            // A string may hold a password: its kind is named, never its text.
            Some(Token::Str(_)) => fail("unexpected string at the end of the statement"),
            Some(t) => fail(format!("unexpected {t:?} at the end of the statement")),
        }
    }

    /// Every relation named after `FROM` or `JOIN`, at any depth, from here on.
    fn relations_named(&mut self) -> Vec<Name> {
        let start = self.at;
        let mut names = Vec::new();
        for at in start..self.tokens.len() {
            if matches!(&self.tokens[at], Token::Word(w) if w == "from" || w == "join") {
                self.at = at + 1;
                if let Ok(name) = self.name() {
                    names.push(name);
                }
            }
        }
        self.at = start;
        names
    }

    fn select(&mut self) -> Parsed<Statement> {
        let reads = self.relations_named();
        let items = self.list(|p| {
            if p.sym('*') {
                return Ok(Item::Star);
            }
            if ["current_user", "user", "session_user"]
                .iter()
                .any(|k| p.is(k))
            {
                p.at += 1;
                return Ok(Item::CurrentUser);
            }
            if matches!(p.peek(), Some(Token::Word(_) | Token::Quoted(_)))
                && !["true", "false", "null"].iter().any(|k| p.is(k))
            {
                return Ok(Item::Column(p.ident()?));
            }
            Ok(Item::Literal(p.value()?))
        })?;
        if self.peek() == Some(&Token::Sym('(')) {
            return fail("functions other than CURRENT_USER are not supported here");
        }
        let from = if self.eat("from") {
            Some(self.name()?)
        } else {
            None
        };
        // The rest (aliases, joins, WHERE, ORDER BY, LIMIT) is read past: `reads` holds its relations.
        self.at = self.tokens.len();
        Ok(Statement::Select { items, from, reads })
    }

    fn filtered_rest(&mut self) -> bool {
        let filtered = self.eat("where");
        self.at = self.tokens.len();
        filtered
    }

    fn statement(&mut self) -> Parsed<Statement> {
        if self.eat("select") {
            return self.select();
        }
        if self.eat("insert") {
            self.expect("into")?;
            let table = self.name()?;
            let columns = if self.peek() == Some(&Token::Sym('(')) {
                self.parenthesised(Self::ident)?
            } else {
                Vec::new()
            };
            if self.is("select") {
                return fail("INSERT … SELECT is not supported here");
            }
            self.expect("values")?;
            let rows = self.list(|p| p.parenthesised(Self::value))?;
            self.done()?;
            return Ok(Statement::Insert {
                table,
                columns,
                rows,
            });
        }
        if self.eat("update") {
            let table = self.name()?;
            self.expect("set")?;
            let set = self.list(|p| {
                let column = p.ident()?;
                if !p.sym('=') {
                    return fail("expected =");
                }
                Ok((column, p.value()?))
            })?;
            let filtered = self.filtered_rest();
            return Ok(Statement::Update {
                table,
                set,
                filtered,
            });
        }
        if self.eat("delete") {
            self.expect("from")?;
            let table = self.name()?;
            let filtered = self.filtered_rest();
            return Ok(Statement::Delete { table, filtered });
        }
        if self.eat("create") {
            self.expect("table")?;
            let if_not_exists = self.eat("if");
            if if_not_exists {
                self.expect("not")?;
                self.expect("exists")?;
            }
            let table = self.name()?;
            let columns = self.column_definitions()?;
            self.at = self.tokens.len(); // clustered by, partitioned by, with (…)
            return Ok(Statement::CreateTable {
                table,
                columns,
                if_not_exists,
            });
        }
        if self.eat("drop") {
            self.expect("table")?;
            let if_exists = self.eat("if");
            if if_exists {
                self.expect("exists")?;
            }
            let table = self.name()?;
            self.done()?;
            return Ok(Statement::DropTable { table, if_exists });
        }
        if self.eat("refresh") {
            self.expect("table")?;
            let tables = self.list(Self::name)?;
            self.done()?;
            return Ok(Statement::Refresh { tables });
        }
        for (keyword, change) in [
            ("grant", Change::Grant),
            ("deny", Change::Deny),
            ("revoke", Change::Revoke),
        ] {
            if self.eat(keyword) {
                return self.privileges(change);
            }
        }
        fail(
            "only SELECT, INSERT, UPDATE, DELETE, CREATE TABLE, DROP TABLE, REFRESH TABLE, GRANT, DENY and REVOKE are supported here",
        )
    }

    /// `(name type …, name type …, PRIMARY KEY (…))`: the first word of each part names a column.
    fn column_definitions(&mut self) -> Parsed<Vec<String>> {
        if !self.sym('(') {
            return fail("expected ( and the columns");
        }
        let mut columns = Vec::new();
        let mut depth = 0usize;
        let mut first = true;
        loop {
            let token = self.peek().cloned();
            self.at += 1;
            match token {
                None => return fail("expected )"),
                Some(Token::Sym('(')) => depth += 1,
                Some(Token::Sym(')')) if depth == 0 => break,
                Some(Token::Sym(')')) => depth -= 1,
                Some(Token::Sym(',')) if depth == 0 => {
                    first = true;
                    continue;
                }
                Some(Token::Word(w) | Token::Quoted(w)) if first && depth == 0 => {
                    if !["primary", "index", "constraint", "check"].contains(&w.as_str()) {
                        columns.push(w);
                    }
                }
                Some(_) => {}
            }
            first = false;
        }
        if columns.is_empty() {
            return fail("a table needs at least one column");
        }
        Ok(columns)
    }

    fn privileges(&mut self, change: Change) -> Parsed<Statement> {
        let permissions = if self.eat("all") {
            self.eat("privileges");
            Permission::ALL.to_vec()
        } else {
            self.list(|p| {
                let word = p.ident()?;
                Permission::parse(&word).map_or_else(
                    || fail(format!("{word} is not a privilege (DQL, DML, DDL, AL); roles are not supported here")),
                    Ok,
                )
            })?
        };
        let on = if self.eat("on") {
            if self.eat("schema") {
                On::Schemas(self.list(Self::ident)?)
            } else if self.eat("table") || self.eat("view") {
                On::Tables(self.list(Self::name)?)
            } else {
                return fail("expected SCHEMA, TABLE or VIEW after ON");
            }
        } else {
            On::Cluster
        };
        self.expect(if change == Change::Revoke {
            "from"
        } else {
            "to"
        })?;
        let users = self.list(Self::ident)?;
        self.done()?;
        Ok(Statement::Privileges {
            change,
            permissions,
            on,
            users,
        })
    }
}

/// Parses one statement; `args` fill its `?` and `$N` placeholders.
pub fn parse(text: &str, args: &[Value]) -> Result<Statement, ParseError> {
    let tokens = tokens(text)?;
    if tokens.contains(&Token::Sym(';')) {
        return fail("one statement per request");
    }
    let mut parser = Parser {
        tokens,
        at: 0,
        args,
    };
    parser.statement()
}

#[cfg(test)]
mod tests;
