//! What an engine gives the statements: run a statement with values bound, hand back its
//! rows to be read by column name. SQLite and PostgreSQL each implement [`Conn`]; every
//! statement of the store is written once, against this, in SQL both engines accept.
//!
//! Placeholders are SQLite's: `?` (numbered in order) or `?N`. An engine that spells them
//! otherwise translates them (PostgreSQL: `$N`). Values are the four kinds both engines share:
//! integers (`BIGINT`), text, bytes and `NULL`; a boolean is an integer 0 or 1.

use crate::ledger::StoreError;
use crate::ledger::tx::Result;

/// A value bound to a placeholder.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Value<'a> {
    Null,
    Int(i64),
    Text(&'a str),
    Blob(&'a [u8]),
}

/// A value as a row gives it; the same four kinds.
pub type Cell<'r> = Value<'r>;

/// What can be bound to a placeholder.
pub trait ToValue {
    fn to_value(&self) -> Value<'_>;
}

macro_rules! int_values {
    ($($t:ty),*) => {$(
        impl ToValue for $t {
            fn to_value(&self) -> Value<'_> {
                Value::Int(i64::from(*self))
            }
        }
    )*};
}
int_values!(i64, i32, u32, u16, u8, bool);

impl ToValue for str {
    fn to_value(&self) -> Value<'_> {
        Value::Text(self)
    }
}
impl ToValue for String {
    fn to_value(&self) -> Value<'_> {
        Value::Text(self)
    }
}
impl ToValue for [u8] {
    fn to_value(&self) -> Value<'_> {
        Value::Blob(self)
    }
}
impl ToValue for Vec<u8> {
    fn to_value(&self) -> Value<'_> {
        Value::Blob(self)
    }
}
impl<T: ToValue + ?Sized> ToValue for &T {
    fn to_value(&self) -> Value<'_> {
        (**self).to_value()
    }
}
impl<T: ToValue> ToValue for Option<T> {
    fn to_value(&self) -> Value<'_> {
        self.as_ref().map_or(Value::Null, ToValue::to_value)
    }
}
impl ToValue for Value<'_> {
    fn to_value(&self) -> Value<'_> {
        *self
    }
}

/// The values of a statement's placeholders, in order: `params![a, b.c, d.map(..)]`.
macro_rules! params {
    ($($p:expr),* $(,)?) => {
        &[$($crate::store::sql::conn::ToValue::to_value(&$p)),*][..]
    };
}

/// A column, by name (the rule here) or by position (a one-column read).
#[derive(Debug, Clone, Copy)]
pub enum Col<'a> {
    Name(&'a str),
    At(usize),
}
impl<'a> From<&'a str> for Col<'a> {
    fn from(name: &'a str) -> Self {
        Col::Name(name)
    }
}
impl From<usize> for Col<'_> {
    fn from(at: usize) -> Self {
        Col::At(at)
    }
}
impl std::fmt::Display for Col<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Col::Name(n) => f.write_str(n),
            Col::At(i) => write!(f, "column {i}"),
        }
    }
}

/// One row of a result.
pub trait SqlRow {
    /// The column's value; `Corrupt` when the row has no such column or holds a kind of
    /// value the engine does not map to the four kinds.
    fn cell(&self, col: Col<'_>) -> Result<Cell<'_>>;
}

/// A Rust value read from a cell; `None` when the cell holds another kind.
pub trait FromCell: Sized {
    fn from_cell(cell: Cell<'_>) -> Option<Self>;
}

macro_rules! int_cells {
    ($($t:ty),*) => {$(
        impl FromCell for $t {
            fn from_cell(cell: Cell<'_>) -> Option<Self> {
                match cell {
                    Value::Int(i) => <$t>::try_from(i).ok(),
                    _ => None,
                }
            }
        }
    )*};
}
int_cells!(i64, i32, u32, u16, u8);

impl FromCell for bool {
    fn from_cell(cell: Cell<'_>) -> Option<Self> {
        match cell {
            Value::Int(i) => Some(i != 0),
            _ => None,
        }
    }
}
impl FromCell for String {
    fn from_cell(cell: Cell<'_>) -> Option<Self> {
        match cell {
            Value::Text(t) => Some(t.to_owned()),
            _ => None,
        }
    }
}
impl FromCell for Vec<u8> {
    fn from_cell(cell: Cell<'_>) -> Option<Self> {
        match cell {
            Value::Blob(b) => Some(b.to_vec()),
            _ => None,
        }
    }
}
impl<T: FromCell> FromCell for Option<T> {
    fn from_cell(cell: Cell<'_>) -> Option<Self> {
        match cell {
            Value::Null => Some(None),
            other => T::from_cell(other).map(Some),
        }
    }
}

impl dyn SqlRow + '_ {
    /// The column as `T`: `Corrupt`, naming the column, when it holds something else.
    pub fn get<'c, T: FromCell>(&self, col: impl Into<Col<'c>>) -> Result<T> {
        let col = col.into();
        let cell = self.cell(col)?;
        T::from_cell(cell).ok_or_else(|| {
            StoreError::Corrupt(format!(
                "{col} holds {cell:?}, not a {}",
                std::any::type_name::<T>()
            ))
        })
    }
}

/// A connection inside a transaction the store opened: the statements never begin, commit
/// or roll back.
pub trait Conn {
    /// Runs a statement that returns no rows; how many rows it changed.
    fn execute(&self, sql: &str, params: &[Value<'_>]) -> Result<u64>;
    /// Runs a statement and hands each row it returns to `each`, in order.
    fn query(
        &self,
        sql: &str,
        params: &[Value<'_>],
        each: &mut dyn FnMut(&dyn SqlRow) -> Result<()>,
    ) -> Result<()>;
}

#[cfg(test)]
mod tests {
    use super::*;

    struct One(Vec<(&'static str, Value<'static>)>);
    impl SqlRow for One {
        fn cell(&self, col: Col<'_>) -> Result<Cell<'_>> {
            let found = match col {
                Col::Name(n) => self.0.iter().find(|(c, _)| *c == n),
                Col::At(i) => self.0.get(i),
            };
            found
                .map(|(_, v)| *v)
                .ok_or_else(|| StoreError::Corrupt(format!("no {col}")))
        }
    }

    #[test]
    fn cells_convert_to_what_the_rows_hold_and_refuse_the_rest() {
        let row = One(vec![
            ("n", Value::Int(7)),
            ("t", Value::Text("x")),
            ("z", Value::Null),
            ("big", Value::Int(1 << 40)),
        ]);
        let r: &dyn SqlRow = &row;
        assert_eq!(r.get::<i64>("n").unwrap(), 7);
        assert_eq!(r.get::<u8>(0).unwrap(), 7);
        assert!(r.get::<bool>("n").unwrap());
        assert_eq!(r.get::<String>("t").unwrap(), "x");
        assert_eq!(r.get::<Option<i64>>("z").unwrap(), None);
        assert!(matches!(r.get::<i64>("t"), Err(StoreError::Corrupt(_))));
        assert!(matches!(r.get::<u32>("big"), Err(StoreError::Corrupt(_))));
        assert!(matches!(
            r.get::<i64>("missing"),
            Err(StoreError::Corrupt(_))
        ));
    }

    #[test]
    fn params_bind_what_the_rows_were_given() {
        let name = String::from("Ada");
        let none: Option<i64> = None;
        let p = params![name, 5i64, none, Some(3u32), true, "x"];
        assert_eq!(
            p,
            &[
                Value::Text("Ada"),
                Value::Int(5),
                Value::Null,
                Value::Int(3),
                Value::Int(1),
                Value::Text("x")
            ]
        );
    }
}
