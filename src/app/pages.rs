pub mod account;
pub mod admin;
pub mod home;
pub mod invite;
pub mod login;
pub mod status;
