//! Generates the `i18n` module from `locales/*.json` (leptos_i18n 0.6 does this in a build
//! script rather than a proc macro). A missing key in any locale is a build error.
use leptos_i18n_build::{Config, TranslationsInfos};
use std::path::PathBuf;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    println!("cargo::rerun-if-changed=build.rs");
    println!("cargo::rerun-if-changed=locales");
    let out = PathBuf::from(std::env::var("OUT_DIR")?);
    let config = Config::new("en")?.add_locale("fr")?;
    let translations = TranslationsInfos::parse(config)?;
    translations.rerun_if_locales_changed();
    translations.emit_diagnostics();
    translations.generate_i18n_module(out.join("i18n"))?;
    Ok(())
}
