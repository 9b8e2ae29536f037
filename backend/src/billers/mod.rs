//! The biller catalogue and the biller systems behind it: which billers exist (data, loaded
//! from catalogue files into the store), how a biller answers (a [`BillerSystem`]; the
//! sandbox one here), and what a payment in another currency costs ([`fx`]).

pub mod catalogue;
pub mod fx;
pub mod sandbox;

pub use catalogue::{Catalogue, CatalogueError};
pub use fx::{Conversion, FxTable};
pub use sandbox::{Answer, BillerSystem, FetchFailure, SandboxBillers, Submission};
