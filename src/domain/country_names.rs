//! Countries as people write them in spreadsheets: an ISO code, or the country's name in
//! English, French or its own language, in any case, with or without accents. Server-side
//! only (folding uses `deunicode`, and the names stay out of the browser's bundle).
use crate::domain::countries::{all_countries, normalise_country};
use std::collections::HashMap;
use std::sync::LazyLock;

/// Names besides the English short name of [`all_countries`], by code: French first, then
/// the country's own name(s), then other names people commonly write. A name that belongs to
/// two countries (Congo, Korea, Virgin Islands) is listed under both, so that it is refused
/// as ambiguous rather than guessed.
const OTHER_NAMES: &[(&str, &[&str])] = &[
    ("AD", &["Andorre", "Andorra"]),
    (
        "AE",
        &[
            "Émirats arabes unis",
            "الإمارات العربية المتحدة",
            "UAE",
            "Emirates",
        ],
    ),
    ("AF", &["Afghanistan", "افغانستان"]),
    ("AG", &["Antigua-et-Barbuda"]),
    ("AI", &["Anguilla"]),
    ("AL", &["Albanie", "Shqipëria", "Shqipëri"]),
    ("AM", &["Arménie", "Հայաստան"]),
    ("AO", &["Angola"]),
    ("AQ", &["Antarctique"]),
    ("AR", &["Argentine", "Argentina"]),
    ("AS", &["Samoa américaines", "American Samoa"]),
    ("AT", &["Autriche", "Österreich"]),
    ("AU", &["Australie"]),
    ("AW", &["Aruba"]),
    ("AX", &["Îles Åland", "Åland", "Ahvenanmaa"]),
    ("AZ", &["Azerbaïdjan", "Azərbaycan"]),
    (
        "BA",
        &[
            "Bosnie-Herzégovine",
            "Bosna i Hercegovina",
            "Босна и Херцеговина",
            "Bosnia",
        ],
    ),
    ("BB", &["Barbade"]),
    ("BD", &["Bangladesh", "বাংলাদেশ"]),
    ("BE", &["Belgique", "België", "Belgien"]),
    ("BF", &["Burkina Faso"]),
    ("BG", &["Bulgarie", "България"]),
    ("BH", &["Bahreïn", "البحرين"]),
    ("BI", &["Burundi"]),
    ("BJ", &["Bénin"]),
    ("BL", &["Saint-Barthélemy"]),
    ("BM", &["Bermudes"]),
    ("BN", &["Brunéi Darussalam", "Brunei", "Brunéi"]),
    ("BO", &["Bolivie"]),
    (
        "BQ",
        &["Bonaire, Saint-Eustache et Saba", "Caribisch Nederland"],
    ),
    ("BR", &["Brésil", "Brasil"]),
    ("BS", &["Bahamas"]),
    ("BT", &["Bhoutan", "འབྲུག་ཡུལ"]),
    ("BV", &["Île Bouvet", "Bouvetøya"]),
    ("BW", &["Botswana"]),
    ("BY", &["Biélorussie", "Bélarus", "Беларусь"]),
    ("BZ", &["Belize"]),
    ("CA", &["Canada"]),
    ("CC", &["Îles Cocos", "Cocos Islands", "Keeling Islands"]),
    (
        "CD",
        &[
            "République démocratique du Congo",
            "Democratic Republic of the Congo",
            "DR Congo",
            "RDC",
            "DRC",
            "Congo-Kinshasa",
            "Congo",
        ],
    ),
    (
        "CF",
        &[
            "République centrafricaine",
            "Centrafrique",
            "Ködörösêse tî Bêafrîka",
        ],
    ),
    (
        "CG",
        &[
            "République du Congo",
            "Republic of the Congo",
            "Congo-Brazzaville",
            "Congo",
        ],
    ),
    (
        "CH",
        &[
            "Suisse",
            "Schweiz",
            "Svizzera",
            "Svizra",
            "Confoederatio Helvetica",
        ],
    ),
    ("CI", &["Côte d'Ivoire", "Ivory Coast"]),
    ("CK", &["Îles Cook", "Kūki 'Āirani"]),
    ("CL", &["Chili", "Chile"]),
    ("CM", &["Cameroun"]),
    ("CN", &["Chine", "中国", "中國"]),
    ("CO", &["Colombie", "Colombia"]),
    ("CR", &["Costa Rica"]),
    ("CU", &["Cuba"]),
    ("CV", &["Cap-Vert", "Cabo Verde", "Cape Verde"]),
    ("CW", &["Curaçao", "Kòrsou"]),
    ("CX", &["Île Christmas"]),
    ("CY", &["Chypre", "Κύπρος", "Kıbrıs"]),
    (
        "CZ",
        &[
            "Tchéquie",
            "République tchèque",
            "Česko",
            "Česká republika",
            "Czech Republic",
        ],
    ),
    ("DE", &["Allemagne", "Deutschland"]),
    ("DJ", &["Djibouti", "جيبوتي"]),
    ("DK", &["Danemark", "Danmark"]),
    ("DM", &["Dominique"]),
    ("DO", &["République dominicaine", "República Dominicana"]),
    ("DZ", &["Algérie", "الجزائر", "Dzayer"]),
    ("EC", &["Équateur", "Ecuador"]),
    ("EE", &["Estonie", "Eesti"]),
    ("EG", &["Égypte", "مصر"]),
    ("EH", &["Sahara occidental", "الصحراء الغربية"]),
    ("ER", &["Érythrée", "ኤርትራ"]),
    ("ES", &["Espagne", "España"]),
    ("ET", &["Éthiopie", "ኢትዮጵያ"]),
    ("FI", &["Finlande", "Suomi"]),
    ("FJ", &["Fidji", "Viti"]),
    (
        "FK",
        &["Îles Malouines", "Falkland Islands (Malvinas)", "Malvinas"],
    ),
    ("FM", &["Micronésie", "Federated States of Micronesia"]),
    ("FO", &["Îles Féroé", "Føroyar", "Færøerne"]),
    ("FR", &["France"]),
    ("GA", &["Gabon", "République gabonaise"]),
    (
        "GB",
        &[
            "Royaume-Uni",
            "UK",
            "Great Britain",
            "Britain",
            "United Kingdom of Great Britain and Northern Ireland",
        ],
    ),
    ("GD", &["Grenade"]),
    ("GE", &["Géorgie", "საქართველო"]),
    ("GF", &["Guyane", "Guyane française"]),
    ("GG", &["Guernesey"]),
    ("GH", &["Ghana"]),
    ("GI", &["Gibraltar"]),
    ("GL", &["Groenland", "Kalaallit Nunaat", "Grønland"]),
    ("GM", &["Gambie"]),
    ("GN", &["Guinée", "Guinea"]),
    ("GP", &["Guadeloupe"]),
    ("GQ", &["Guinée équatoriale", "Guinea Ecuatorial"]),
    ("GR", &["Grèce", "Ελλάδα", "Ελλάς", "Hellas"]),
    ("GS", &["Géorgie du Sud-et-les îles Sandwich du Sud"]),
    ("GT", &["Guatemala"]),
    ("GU", &["Guam", "Guåhån"]),
    ("GW", &["Guinée-Bissau", "Guiné-Bissau"]),
    ("GY", &["Guyana"]),
    ("HK", &["Hong Kong", "香港"]),
    ("HM", &["Îles Heard-et-MacDonald"]),
    ("HN", &["Honduras"]),
    ("HR", &["Croatie", "Hrvatska"]),
    ("HT", &["Haïti", "Ayiti"]),
    ("HU", &["Hongrie", "Magyarország"]),
    ("ID", &["Indonésie"]),
    ("IE", &["Irlande", "Éire"]),
    ("IL", &["Israël", "ישראל", "إسرائيل"]),
    ("IM", &["Île de Man", "Ellan Vannin"]),
    ("IN", &["Inde", "भारत", "Bharat"]),
    ("IO", &["Territoire britannique de l'océan Indien"]),
    ("IQ", &["Irak", "Iraq", "العراق"]),
    ("IR", &["Iran", "ایران"]),
    ("IS", &["Islande", "Ísland"]),
    ("IT", &["Italie", "Italia"]),
    ("JE", &["Jersey"]),
    ("JM", &["Jamaïque"]),
    ("JO", &["Jordanie", "الأردن"]),
    ("JP", &["Japon", "日本"]),
    ("KE", &["Kenya"]),
    ("KG", &["Kirghizistan", "Кыргызстан", "Kyrgyz Republic"]),
    ("KH", &["Cambodge", "កម្ពុជា"]),
    ("KI", &["Kiribati"]),
    ("KM", &["Comores", "Komori", "جزر القمر"]),
    (
        "KN",
        &[
            "Saint-Christophe-et-Niévès",
            "Saint Kitts and Nevis",
            "Saint-Kitts-et-Nevis",
        ],
    ),
    (
        "KP",
        &["Corée du Nord", "North Korea", "조선", "Korea", "Corée"],
    ),
    (
        "KR",
        &[
            "Corée du Sud",
            "South Korea",
            "대한민국",
            "한국",
            "Korea",
            "Corée",
        ],
    ),
    ("KW", &["Koweït", "الكويت"]),
    ("KY", &["Îles Caïmans"]),
    ("KZ", &["Kazakhstan", "Қазақстан", "Казахстан"]),
    ("LA", &["Laos", "ລາວ"]),
    ("LB", &["Liban", "لبنان"]),
    ("LC", &["Sainte-Lucie"]),
    ("LI", &["Liechtenstein"]),
    ("LK", &["Sri Lanka", "ශ්‍රී ලංකාව", "இலங்கை"]),
    ("LR", &["Libéria", "Liberia"]),
    ("LS", &["Lesotho"]),
    ("LT", &["Lituanie", "Lietuva"]),
    ("LU", &["Luxembourg", "Lëtzebuerg", "Luxemburg"]),
    ("LV", &["Lettonie", "Latvija"]),
    ("LY", &["Libye", "ليبيا"]),
    ("MA", &["Maroc", "المغرب"]),
    ("MC", &["Monaco"]),
    ("MD", &["Moldavie", "Moldova", "Republic of Moldova"]),
    ("ME", &["Monténégro", "Crna Gora", "Црна Гора"]),
    ("MF", &["Saint-Martin (partie française)", "Saint-Martin"]),
    ("MG", &["Madagascar", "Madagasikara"]),
    ("MH", &["Îles Marshall", "Aorōkin M̧ajeļ"]),
    (
        "MK",
        &[
            "Macédoine du Nord",
            "Северна Македонија",
            "Macedonia",
            "Macédoine",
        ],
    ),
    ("ML", &["Mali"]),
    ("MM", &["Birmanie", "Myanmar", "Burma", "မြန်မာ"]),
    ("MN", &["Mongolie", "Монгол Улс"]),
    ("MO", &["Macao", "Macau", "澳門"]),
    ("MP", &["Îles Mariannes du Nord"]),
    ("MQ", &["Martinique"]),
    ("MR", &["Mauritanie", "موريتانيا"]),
    ("MS", &["Montserrat"]),
    ("MT", &["Malte", "Malta"]),
    ("MU", &["Maurice", "Île Maurice", "Mauritius"]),
    ("MV", &["Maldives", "ދިވެހިރާއްޖެ"]),
    ("MW", &["Malawi"]),
    ("MX", &["Mexique", "México"]),
    ("MY", &["Malaisie", "Malaysia"]),
    ("MZ", &["Mozambique", "Moçambique"]),
    ("NA", &["Namibie"]),
    ("NC", &["Nouvelle-Calédonie"]),
    ("NE", &["Niger"]),
    ("NF", &["Île Norfolk"]),
    ("NG", &["Nigéria", "Nigeria"]),
    ("NI", &["Nicaragua"]),
    (
        "NL",
        &["Pays-Bas", "Nederland", "The Netherlands", "Holland"],
    ),
    ("NO", &["Norvège", "Norge", "Noreg"]),
    ("NP", &["Népal", "नेपाल"]),
    ("NR", &["Nauru"]),
    ("NU", &["Niue", "Niué"]),
    ("NZ", &["Nouvelle-Zélande", "Aotearoa"]),
    ("OM", &["Oman", "عُمان"]),
    ("PA", &["Panama", "Panamá"]),
    ("PE", &["Pérou", "Perú"]),
    ("PF", &["Polynésie française"]),
    ("PG", &["Papouasie-Nouvelle-Guinée", "Papua Niugini"]),
    ("PH", &["Philippines", "Pilipinas"]),
    ("PK", &["Pakistan", "پاکستان"]),
    ("PL", &["Pologne", "Polska"]),
    ("PM", &["Saint-Pierre-et-Miquelon"]),
    ("PN", &["Îles Pitcairn", "Pitcairn Islands"]),
    ("PR", &["Porto Rico", "Puerto Rico"]),
    ("PS", &["Palestine", "فلسطين", "State of Palestine"]),
    ("PT", &["Portugal"]),
    ("PW", &["Palaos", "Belau"]),
    ("PY", &["Paraguay", "Paraguái"]),
    ("QA", &["Qatar", "قطر"]),
    ("RE", &["La Réunion", "Réunion"]),
    ("RO", &["Roumanie", "România"]),
    ("RS", &["Serbie", "Србија", "Srbija"]),
    ("RU", &["Russie", "Россия", "Russia"]),
    ("RW", &["Rwanda"]),
    ("SA", &["Arabie saoudite", "السعودية"]),
    ("SB", &["Îles Salomon"]),
    ("SC", &["Seychelles", "Sesel"]),
    ("SD", &["Soudan", "السودان"]),
    ("SE", &["Suède", "Sverige"]),
    ("SG", &["Singapour", "新加坡", "Singapura"]),
    (
        "SH",
        &[
            "Sainte-Hélène, Ascension et Tristan da Cunha",
            "Saint Helena",
            "Sainte-Hélène",
        ],
    ),
    ("SI", &["Slovénie", "Slovenija"]),
    ("SJ", &["Svalbard et Jan Mayen", "Svalbard og Jan Mayen"]),
    ("SK", &["Slovaquie", "Slovensko"]),
    ("SL", &["Sierra Leone"]),
    ("SM", &["Saint-Marin"]),
    ("SN", &["Sénégal"]),
    ("SO", &["Somalie", "Soomaaliya", "الصومال"]),
    ("SR", &["Suriname"]),
    ("SS", &["Soudan du Sud"]),
    ("ST", &["Sao Tomé-et-Principe", "São Tomé e Príncipe"]),
    ("SV", &["Salvador"]),
    (
        "SX",
        &["Saint-Martin (partie néerlandaise)", "Sint Maarten"],
    ),
    ("SY", &["Syrie", "سوريا"]),
    ("SZ", &["Eswatini", "Swaziland", "eSwatini"]),
    ("TC", &["Îles Turques-et-Caïques"]),
    ("TD", &["Tchad", "تشاد"]),
    (
        "TF",
        &[
            "Terres australes et antarctiques françaises",
            "Terres australes françaises",
        ],
    ),
    ("TG", &["Togo"]),
    ("TH", &["Thaïlande", "ประเทศไทย", "Thailand"]),
    ("TJ", &["Tadjikistan", "Тоҷикистон"]),
    ("TK", &["Tokelau"]),
    (
        "TL",
        &[
            "Timor oriental",
            "East Timor",
            "Timór-Leste",
            "Timor Lorosa'e",
        ],
    ),
    ("TM", &["Turkménistan", "Türkmenistan"]),
    ("TN", &["Tunisie", "تونس"]),
    ("TO", &["Tonga"]),
    ("TR", &["Turquie", "Turkey", "Türkiye"]),
    ("TT", &["Trinité-et-Tobago"]),
    ("TV", &["Tuvalu"]),
    ("TW", &["Taïwan", "臺灣", "台灣"]),
    ("TZ", &["Tanzanie", "Tanzania"]),
    ("UA", &["Ukraine", "Україна"]),
    ("UG", &["Ouganda"]),
    ("UM", &["Îles mineures éloignées des États-Unis"]),
    (
        "US",
        &[
            "États-Unis",
            "United States",
            "USA",
            "United States of America",
            "America",
        ],
    ),
    ("UY", &["Uruguay"]),
    ("UZ", &["Ouzbékistan", "Oʻzbekiston"]),
    (
        "VA",
        &[
            "Saint-Siège",
            "Vatican",
            "Vatican City",
            "Cité du Vatican",
            "Città del Vaticano",
            "Santa Sede",
        ],
    ),
    ("VC", &["Saint-Vincent-et-les-Grenadines"]),
    ("VE", &["Venezuela"]),
    (
        "VG",
        &[
            "Îles Vierges britanniques",
            "British Virgin Islands",
            "Virgin Islands",
            "Îles Vierges",
        ],
    ),
    (
        "VI",
        &[
            "Îles Vierges des États-Unis",
            "US Virgin Islands",
            "Virgin Islands",
            "Îles Vierges",
        ],
    ),
    ("VN", &["Viêt Nam", "Vietnam", "Việt Nam"]),
    ("VU", &["Vanuatu"]),
    ("WF", &["Wallis-et-Futuna"]),
    ("WS", &["Samoa"]),
    ("YE", &["Yémen", "اليمن"]),
    ("YT", &["Mayotte"]),
    (
        "ZA",
        &[
            "Afrique du Sud",
            "South Africa",
            "Suid-Afrika",
            "iNingizimu Afrika",
        ],
    ),
    ("ZM", &["Zambie"]),
    ("ZW", &["Zimbabwe"]),
];

/// Why a typed country was not read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CountryNameProblem {
    Unknown,
    /// The name belongs to more than one country.
    Ambiguous,
}

/// Lower-case ASCII letters and digits only: accents, case, spaces and punctuation do not
/// matter, and other scripts are transliterated ("Ελλάδα" and "ELLADA" fold alike). Column
/// names are compared the same way.
pub fn fold(text: &str) -> String {
    deunicode::deunicode(text)
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// Every folded name, with the codes of the countries it names.
static BY_NAME: LazyLock<HashMap<String, Vec<&'static str>>> = LazyLock::new(|| {
    let mut by_name: HashMap<String, Vec<&'static str>> = HashMap::new();
    let english = all_countries().iter().map(|(code, name)| (*code, *name));
    let others = OTHER_NAMES
        .iter()
        .flat_map(|(code, names)| names.iter().map(move |name| (*code, *name)));
    for (code, name) in english.chain(others) {
        let codes = by_name.entry(fold(name)).or_default();
        if !codes.contains(&code) {
            codes.push(code);
        }
    }
    by_name.remove("");
    by_name
});

/// The ISO code for what someone typed in a country column: a code as before, else a name.
pub fn country_from_spreadsheet(typed: &str) -> Result<&'static str, CountryNameProblem> {
    if let Some(code) = normalise_country(typed) {
        return Ok(code);
    }
    match BY_NAME.get(&fold(typed)).map(Vec::as_slice) {
        Some([code]) => Ok(*code),
        Some([_, _, ..]) => Err(CountryNameProblem::Ambiguous),
        _ => Err(CountryNameProblem::Unknown),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_country_has_other_names_and_every_code_is_known() {
        assert_eq!(OTHER_NAMES.len(), all_countries().len());
        for ((code, _), (known, _)) in OTHER_NAMES.iter().zip(all_countries()) {
            assert_eq!(code, known, "same order as the code list");
        }
    }

    #[test]
    fn names_in_english_french_and_their_own_language() {
        let table = [
            ("HU", Ok("HU")),
            (" gr ", Ok("GR")),
            ("Hongrie", Ok("HU")),
            ("Hungary", Ok("HU")),
            ("Magyarország", Ok("HU")),
            ("MAGYARORSZAG", Ok("HU")),
            ("Greece", Ok("GR")),
            ("Grèce", Ok("GR")),
            ("grece", Ok("GR")),
            ("Ελλάδα", Ok("GR")),
            ("ΕΛΛΑΔΑ", Ok("GR")),
            ("Deutschland", Ok("DE")),
            ("Allemagne", Ok("DE")),
            ("Germany", Ok("DE")),
            ("España", Ok("ES")),
            ("Espagne", Ok("ES")),
            ("Italia", Ok("IT")),
            ("Österreich", Ok("AT")),
            ("Suisse", Ok("CH")),
            ("Schweiz", Ok("CH")),
            ("Pays-Bas", Ok("NL")),
            ("Nederland", Ok("NL")),
            ("Polska", Ok("PL")),
            ("Česko", Ok("CZ")),
            ("Czech Republic", Ok("CZ")),
            ("Türkiye", Ok("TR")),
            ("Turquie", Ok("TR")),
            ("Россия", Ok("RU")),
            ("Україна", Ok("UA")),
            ("Côte d'Ivoire", Ok("CI")),
            ("cote d ivoire", Ok("CI")),
            ("Royaume-Uni", Ok("GB")),
            ("United Kingdom", Ok("GB")),
            ("UK", Ok("GB")),
            ("Bosnie-Herzégovine", Ok("BA")),
            ("Congo (Democratic Republic)", Ok("CD")),
            ("République du Congo", Ok("CG")),
            ("Congo", Err(CountryNameProblem::Ambiguous)),
            ("Korea", Err(CountryNameProblem::Ambiguous)),
            ("Corée", Err(CountryNameProblem::Ambiguous)),
            ("Îles Vierges", Err(CountryNameProblem::Ambiguous)),
            ("Hongriee", Err(CountryNameProblem::Unknown)),
            ("ZZ", Err(CountryNameProblem::Unknown)),
            ("Atlantis", Err(CountryNameProblem::Unknown)),
            ("", Err(CountryNameProblem::Unknown)),
            ("--", Err(CountryNameProblem::Unknown)),
        ];
        for (typed, expected) in table {
            assert_eq!(country_from_spreadsheet(typed), expected, "{typed:?}");
        }
    }

    #[test]
    fn only_the_listed_names_are_ambiguous() {
        let mut ambiguous: Vec<&str> = BY_NAME
            .iter()
            .filter(|(_, codes)| codes.len() > 1)
            .map(|(name, _)| name.as_str())
            .collect();
        ambiguous.sort();
        assert_eq!(
            ambiguous,
            ["congo", "coree", "ilesvierges", "korea", "virginislands"]
        );
    }

    #[test]
    fn every_name_reads_back_to_its_country() {
        for (code, names) in OTHER_NAMES {
            for name in *names {
                if let Ok(found) = country_from_spreadsheet(name) {
                    assert_eq!(found, *code, "{name}");
                }
            }
        }
        for (code, name) in all_countries() {
            match country_from_spreadsheet(name) {
                Ok(found) => assert_eq!(found, *code, "{name}"),
                // The Republic of the Congo's short name is the other Congo's short name too.
                Err(problem) => {
                    assert_eq!((*name, problem), ("Congo", CountryNameProblem::Ambiguous))
                }
            }
        }
    }

    proptest::proptest! {
        #[test]
        fn any_text_gets_an_answer(typed in "\\PC{0,40}") {
            let _ = country_from_spreadsheet(&typed);
        }
    }
}
