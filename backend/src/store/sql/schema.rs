//! The schema's steps, shared by the engines: `STEPS[n]` upgrades a database from version
//! `n` to `n + 1` (step 0 creates it), so a fresh database and an upgraded one run the very
//! same statements; released steps never change. Each engine keeps the version its own way
//! and runs every step in one transaction of its own.
//!
//! The steps are SQL that SQLite and PostgreSQL share, written in SQLite's spelling; an
//! engine that spells a few things otherwise (types, triggers) translates them.

pub const VERSION: i64 = 14;

pub const STEPS: &[&str] = &[
    include_str!("schema/v1.sql"),
    include_str!("schema/v2.sql"),
    include_str!("schema/v3.sql"),
    include_str!("schema/v4.sql"),
    include_str!("schema/v5.sql"),
    include_str!("schema/v6.sql"),
    include_str!("schema/v7.sql"),
    include_str!("schema/v8.sql"),
    include_str!("schema/v9.sql"),
    include_str!("schema/v10.sql"),
    include_str!("schema/v11.sql"),
    include_str!("schema/v12.sql"),
    include_str!("schema/v13.sql"),
    include_str!("schema/v14.sql"),
];
