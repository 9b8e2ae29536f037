//! Every statement of the store, written once in SQL that SQLite and PostgreSQL both accept,
//! over the engine seam in [`conn`]: the rules' transaction interface ([`SqlTx`]), rows read
//! by column name, the schema's steps and the ledger's audit. An engine adds only its
//! connection, its transactions and how it keeps the schema's version.

#[macro_use]
pub mod conn;
#[macro_use]
mod columns;
mod audit;
mod bills;
mod devices;
mod paycodes;
mod people;
mod reads;
mod requests;
mod rows;
mod savings;
pub mod schema;
mod transfers;
mod tx;
mod withdrawals;
mod writes;

pub use audit::{audit, total_by_currency};
pub use conn::{Cell, Col, Conn, SqlRow, ToValue, Value};
pub use tx::SqlTx;
