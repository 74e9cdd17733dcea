pub mod audit;
pub mod decisions;
pub mod meta;
pub mod tokens;
