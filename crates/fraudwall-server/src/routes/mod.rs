pub mod audit;
pub mod decisions;
pub mod evidence;
pub mod jobs;
pub mod lists;
pub mod meta;
pub mod rules;
pub mod tokens;
