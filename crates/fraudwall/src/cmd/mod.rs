pub mod audit;
pub mod lines;
pub mod phone;
pub mod serve;
pub mod sms;
pub mod token;
pub mod url;
