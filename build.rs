//! Generates the `i18n` module from `locales/*.json` (leptos_i18n 0.6 does this in a build
//! script rather than a proc macro). A missing key in any locale is a build error.
use leptos_i18n_build::{Config, ParseOptions, TranslationsInfos};
use std::path::PathBuf;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    println!("cargo::rerun-if-changed=build.rs");
    println!("cargo::rerun-if-changed=locales");
    let out = PathBuf::from(std::env::var("OUT_DIR")?);
    // `interpolate_display`: texts with values can be plain strings (`t_string!`). Pages are
    // rendered in one language (switching is a page load), so labels need not be reactive
    // views, which keeps view code out of the browser's islands.
    let config = Config::new("en")?
        .add_locale("fr")?
        .parse_options(ParseOptions::default().interpolate_display(true));
    let translations = TranslationsInfos::parse(config)?;
    translations.rerun_if_locales_changed();
    translations.emit_diagnostics();
    translations.generate_i18n_module(out.join("i18n"))?;
    Ok(())
}
