pub mod phone;
pub mod sms;
pub mod url;
