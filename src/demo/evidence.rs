//! Demo evidence: two impact assessments of an inclusive-workcamp programme and 64 findings
//! from 20 countries in 4 regions. Invented for the demo, in the shape real ones take.
use crate::domain::assessments::AssessmentFields;
use crate::domain::evidence::{EvidenceInput, Method};
use crate::error::AppError;
use crate::store::{Db, assessments, evidence};

const NW: &str = "Northern and Western Europe";
const SE: &str = "Southern Europe";
const CEE: &str = "Central and Eastern Europe";
const PARTNERS: &str = "Partner regions";

struct Country {
    code: &'static str,
    region: &'static str,
    /// The testimony's language: most were given in English, the volunteers' common language.
    language: &'static str,
    testimony: &'static str,
    indicator: (&'static str, f64, &'static str, i64, Option<f64>),
    third: (&'static str, &'static str, &'static str),
}

const COUNTRIES: &[Country] = &[
    Country {
        code: "FR",
        region: NW,
        language: "fr",
        testimony: "« Avant le chantier je ne parlais à personne hors de mon quartier. Là-bas on a construit un mur ensemble, et moi j'ai parlé anglais pour la première fois devant des inconnus. »",
        indicator: (
            "Participants with fewer opportunities who enrolled in training or a job within 6 months of the workcamp.",
            38.0,
            "%",
            64,
            Some(21.0),
        ),
        third: (
            "observation",
            "",
            "Local youth workers reported that mixed groups of local and international volunteers reduced tension with neighbours of the social housing estate in Lille.",
        ),
    },
    Country {
        code: "BE",
        region: NW,
        language: "en",
        testimony: "I came as a refugee and nobody asked for my papers at the workcamp, only for my hands and my ideas. It was the first time I felt I was giving something to Belgium.",
        indicator: (
            "Volunteers who said they felt more confident speaking in a group after the camp.",
            71.0,
            "%",
            48,
            None,
        ),
        third: (
            "swot",
            "weakness",
            "Recruitment through schools missed young people who had already left education, the group the programme most wanted to reach.",
        ),
    },
    Country {
        code: "NL",
        region: NW,
        language: "en",
        testimony: "My mentor called me every week after the camp. Without her I would not have applied for the vocational course; I thought it was not for people like me.",
        indicator: (
            "Mentored volunteers still in contact with their mentor after one year.",
            55.0,
            "%",
            40,
            None,
        ),
        third: (
            "observation",
            "",
            "Municipal partners in Rotterdam funded bus passes after seeing that travel cost was the main reason young people dropped out of follow-up activities.",
        ),
    },
    Country {
        code: "DE",
        region: NW,
        language: "en",
        testimony: "We were twelve people from nine countries. Nobody had the same language, so we made a language of our own with drawings. I still use it with my little brother.",
        indicator: (
            "Participants reporting improved intercultural understanding (self-assessment, 5-point scale, share scoring 4 or 5).",
            82.0,
            "%",
            96,
            Some(47.0),
        ),
        third: (
            "swot",
            "strength",
            "Host organisations with long experience of international volunteering adapted quickly to participants with disabilities.",
        ),
    },
    Country {
        code: "AT",
        region: NW,
        language: "en",
        testimony: "At first I was afraid to sleep in a room with strangers. On the last night we cried because we had to leave each other.",
        indicator: (
            "Drop-out rate during the workcamp among participants with fewer opportunities.",
            6.0,
            "%",
            52,
            Some(14.0),
        ),
        third: (
            "observation",
            "",
            "Camp leaders trained in conflict mediation handled disputes without sending anyone home, unlike in earlier years.",
        ),
    },
    Country {
        code: "DK",
        region: NW,
        language: "en",
        testimony: "I learned that I can be the one who explains things. The others asked me how the tools worked because I had used them with my father.",
        indicator: (
            "Educators who changed at least one practice after the study visit.",
            64.0,
            "%",
            25,
            None,
        ),
        third: (
            "swot",
            "opportunity",
            "The national youth council offered to co-host a follow-up laboratory on inclusive recruitment.",
        ),
    },
    Country {
        code: "SE",
        region: NW,
        language: "en",
        testimony: "I have a diagnosis and usually people decide for me. Here I chose my own tasks. That sounds small, but for me it was very big.",
        indicator: (
            "Participants with a disability who would take part in another international activity.",
            88.0,
            "%",
            17,
            None,
        ),
        third: (
            "observation",
            "",
            "Accessible transport had to be arranged weeks ahead; two participants could not join because it was not confirmed in time.",
        ),
    },
    Country {
        code: "FI",
        region: NW,
        language: "en",
        testimony: "In the forest camp I was responsible for the food budget. My social worker did not believe it when I showed her the receipts.",
        indicator: (
            "Young people not in education, employment or training among applicants.",
            43.0,
            "%",
            112,
            None,
        ),
        third: (
            "swot",
            "threat",
            "Cuts to municipal youth services may remove the local contact points that identified most participants.",
        ),
    },
    Country {
        code: "IT",
        region: SE,
        language: "it",
        testimony: "Nel mio paese tutti mi conoscono come \"quello problematico\". Al campo nessuno lo sapeva, e ho scoperto che posso essere un'altra persona.",
        indicator: (
            "Participants who volunteered locally in the year after the workcamp.",
            47.0,
            "%",
            73,
            Some(12.0),
        ),
        third: (
            "observation",
            "",
            "Follow-up activities held in the participants' own neighbourhoods in Naples had twice the attendance of those held in the city centre.",
        ),
    },
    Country {
        code: "ES",
        region: SE,
        language: "es",
        testimony: "Mi madre no quería que fuera, decía que eso era para chicos ricos. Ahora viene a las reuniones de la asociación.",
        indicator: (
            "Families of participants who attended at least one follow-up event.",
            29.0,
            "%",
            58,
            None,
        ),
        third: (
            "swot",
            "strength",
            "Peer ambassadors recruited among former participants were the most effective channel for reaching new young people.",
        ),
    },
    Country {
        code: "GR",
        region: SE,
        language: "en",
        testimony: "The camp on the island was the first place since I arrived where I was not waiting for something. I was doing something.",
        indicator: (
            "Refugee and migrant participants among all volunteers hosted.",
            34.0,
            "%",
            88,
            Some(9.0),
        ),
        third: (
            "observation",
            "",
            "Asylum procedures prevented several registered participants from travelling; places were kept open for them until the last week.",
        ),
    },
    Country {
        code: "PT",
        region: SE,
        language: "pt",
        testimony: "Eu nunca tinha saído de Setúbal. Quando voltei, comecei a procurar cursos de línguas na internet.",
        indicator: (
            "Participants who started a language course within 6 months.",
            26.0,
            "%",
            42,
            None,
        ),
        third: (
            "swot",
            "weakness",
            "Follow-up depended on one staff member; when she left, contact with half of the participants was lost.",
        ),
    },
    Country {
        code: "HU",
        region: CEE,
        language: "hu",
        testimony: "A táborban senki nem kérdezte, honnan jövök. Csak azt, hogy mit tudok csinálni. Roma lányként ez nekem új volt.",
        indicator: (
            "Roma participants among volunteers from Hungary.",
            41.0,
            "%",
            61,
            Some(15.0),
        ),
        third: (
            "observation",
            "",
            "Schools in Borsod county agreed to recognise workcamp participation as community service hours.",
        ),
    },
    Country {
        code: "PL",
        region: CEE,
        language: "en",
        testimony: "I did not know I was good at organising until I organised the trip to the lake for everybody. Now I help at the youth club.",
        indicator: (
            "Participants who took on a leadership role in a local organisation within a year.",
            19.0,
            "%",
            54,
            None,
        ),
        third: (
            "swot",
            "opportunity",
            "The European Solidarity Corps quality label opens funding for the local follow-up that the programme could not pay for.",
        ),
    },
    Country {
        code: "CZ",
        region: CEE,
        language: "en",
        testimony: "We repaired a playground in a village where my grandparents lived. The mayor came to thank us; nobody had ever thanked me for anything official.",
        indicator: (
            "Local community members who rated the workcamp's contribution as useful or very useful.",
            91.0,
            "%",
            130,
            None,
        ),
        third: (
            "observation",
            "",
            "Host communities in small villages were more involved than those in towns, offering meals and tools without being asked.",
        ),
    },
    Country {
        code: "RO",
        region: CEE,
        language: "ro",
        testimony: "Am plecat pentru prima dată cu avionul. Dar cel mai important a fost că am înțeles că pot învăța orice dacă cineva are răbdare cu mine.",
        indicator: (
            "Participants who obtained a Youthpass certificate.",
            76.0,
            "%",
            45,
            Some(30.0),
        ),
        third: (
            "swot",
            "threat",
            "Visa and travel costs for participants from outside the EU rose by a third between the two field phases.",
        ),
    },
    Country {
        code: "SN",
        region: PARTNERS,
        language: "fr",
        testimony: "Au camp de Thiès, les volontaires européens ont appris à cuisiner avec nous et nous avons appris à planifier un budget. L'échange allait dans les deux sens.",
        indicator: (
            "Host community members who took part in camp activities.",
            120.0,
            "people",
            120,
            None,
        ),
        third: (
            "observation",
            "",
            "Partners in Senegal asked that European volunteers arrive with a week of preparation on local customs, which reduced misunderstandings.",
        ),
    },
    Country {
        code: "VN",
        region: PARTNERS,
        language: "en",
        testimony: "The European volunteers taught English at our centre, and we taught them how our community solves problems together. Both sides were students.",
        indicator: (
            "Children who attended the summer learning programme run with volunteers.",
            210.0,
            "children",
            210,
            Some(150.0),
        ),
        third: (
            "swot",
            "strength",
            "Long-term partnerships with local organisations in Hanoi allowed camps to continue a project from one year to the next.",
        ),
    },
    Country {
        code: "TH",
        region: PARTNERS,
        language: "en",
        testimony: "I was worried the volunteers would only take photos. Instead they stayed after the work to play football with the boys from the village.",
        indicator: (
            "Volunteers who rated their preparation training as sufficient.",
            58.0,
            "%",
            36,
            None,
        ),
        third: (
            "observation",
            "",
            "Short camps of two weeks left too little time for the community to plan work with the volunteers; three-week camps were preferred.",
        ),
    },
    Country {
        code: "CA",
        region: PARTNERS,
        language: "en",
        testimony: "Our First Nations youth hosted volunteers from four countries. For many of our young people it was the first time outsiders came to learn from them rather than to teach them.",
        indicator: (
            "Indigenous youth among camp leaders trained.",
            8.0,
            "people",
            20,
            None,
        ),
        third: (
            "swot",
            "opportunity",
            "Provincial youth employment programmes could recognise camp leadership as work experience.",
        ),
    },
];

/// Loads the demo assessments and evidence, once (skipped if any assessment exists).
pub async fn load(db: &Db, organisation_id: &str) -> Result<(), AppError> {
    if !assessments::list(
        db,
        crate::domain::evidence::Audience::of(Some(crate::domain::accounts::Role::Admin)),
    )
    .await?
    .is_empty()
    {
        return Ok(());
    }
    let all_countries: Vec<String> = COUNTRIES.iter().map(|c| c.code.to_string()).collect();
    let first = assessments::create(
        db,
        &AssessmentFields {
            title: "Inclusive workcamps, field phase 1: testimonies and outcomes".into(),
            programme: "Workcamps for All (Erasmus+ KA2, 2019–2021)".into(),
            method: Method::Testimonies,
            period_from: "2019-03-01".into(),
            period_to: "2019-12-15".into(),
            countries: all_countries.clone(),
            summary: "Testimonies collected from participants, host communities and camp leaders after the **first field phase**, with outcome indicators gathered six months later.\n\nParticipants gave consent for their words to be quoted; some asked to be anonymised.".into(),
            link: String::new(),
        },
        assessments::Owner::Organisation(organisation_id),
    )
    .await?;
    let second = assessments::create(
        db,
        &AssessmentFields {
            title: "Inclusive workcamps, field phase 2: survey and SWOT analysis".into(),
            programme: "Workcamps for All (Erasmus+ KA2, 2019–2021)".into(),
            method: Method::Survey,
            period_from: "2020-03-01".into(),
            period_to: "2020-11-30".into(),
            countries: all_countries,
            summary: "A survey of volunteers, educators and host communities, and a SWOT analysis run with the partner organisations in each country after the **second field phase**.".into(),
            link: String::new(),
        },
        assessments::Owner::Organisation(organisation_id),
    )
    .await?;

    let mut first_items = Vec::new();
    let mut second_items = Vec::new();
    for (i, c) in COUNTRIES.iter().enumerate() {
        let code = c.code.to_ascii_lowercase();
        // A few findings are for members only, some testimonies are anonymised, and one
        // participant withdrew consent (it stays visible to editors, flagged).
        let visibility = if i % 6 == 5 { "members" } else { "public" };
        let consent = match (c.code, i % 3) {
            ("GR", _) => "withdrawn",
            (_, 0) => "anonymised",
            _ => "given",
        };
        first_items.push(EvidenceInput {
            key: format!("{code}-2019-testimony-01"),
            kind: "testimony".into(),
            text: c.testimony.into(),
            country: c.code.into(),
            region: c.region.into(),
            collected_on: format!("2019-{:02}-{:02}", 6 + i % 5, 3 + i),
            language: c.language.into(),
            tags: "participants, inclusion".into(),
            consent: consent.into(),
            visibility: visibility.into(),
            ..Default::default()
        });
        let (text, value, unit, sample, baseline) = c.indicator;
        first_items.push(EvidenceInput {
            key: format!("{code}-2019-indicator-01"),
            kind: "indicator".into(),
            text: text.into(),
            value: value.to_string(),
            unit: unit.into(),
            sample_size: sample.to_string(),
            baseline: baseline.map(|b| b.to_string()).unwrap_or_default(),
            country: c.code.into(),
            region: c.region.into(),
            collected_on: format!("2019-12-{:02}", 1 + i % 14),
            language: "en".into(),
            tags: "outcomes".into(),
            consent: "given".into(),
            visibility: "public".into(),
            ..Default::default()
        });
        let (kind, quadrant, text) = c.third;
        second_items.push(EvidenceInput {
            key: format!("{code}-2020-{kind}-01"),
            kind: kind.into(),
            swot_quadrant: quadrant.into(),
            text: text.into(),
            country: c.code.into(),
            region: c.region.into(),
            collected_on: format!("2020-{:02}-{:02}", 9 + i % 3, 1 + i),
            language: "en".into(),
            tags: if kind == "swot" {
                "swot, partners".into()
            } else {
                "follow-up, partners".into()
            },
            consent: "given".into(),
            visibility: if i % 7 == 3 {
                "members".into()
            } else {
                "public".into()
            },
            ..Default::default()
        });
    }
    let network_level = [
        (
            "eu-2020-swot-01",
            "strength",
            "Three networks pooling their member organisations reached more than 200 affiliated organisations with one call for participants.",
        ),
        (
            "eu-2020-swot-02",
            "weakness",
            "Impact assessment tools differed between countries in the first phase, so only half of the indicators can be compared directly.",
        ),
        (
            "eu-2020-swot-03",
            "opportunity",
            "The next Erasmus+ programme guide names inclusion and diversity as a horizontal priority for all actions.",
        ),
        (
            "eu-2020-swot-04",
            "threat",
            "Rising travel costs and shorter funding periods favour short activities, which the testimonies show matter less for lasting change.",
        ),
    ];
    for (key, quadrant, text) in network_level {
        second_items.push(EvidenceInput {
            key: key.into(),
            kind: "swot".into(),
            swot_quadrant: quadrant.into(),
            text: text.into(),
            country: "BE".into(),
            region: NW.into(),
            collected_on: "2020-11-20".into(),
            language: "en".into(),
            tags: "swot, network".into(),
            consent: "given".into(),
            visibility: "public".into(),
            ..Default::default()
        });
    }
    for (assessment, inputs) in [(&first, first_items), (&second, second_items)] {
        let fields = inputs
            .iter()
            .map(|input| input.validate().map_err(|_| AppError::Internal))
            .collect::<Result<Vec<_>, _>>()?;
        let author = evidence::Author {
            member_id: None,
            action: crate::domain::evidence_history::ChangeAction::Imported,
            source: "demo data",
        };
        evidence::import(db, assessment, &fields, author).await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn demo_covers_what_the_library_needs() {
        assert_eq!(COUNTRIES.len(), 20);
        let regions: std::collections::HashSet<_> = COUNTRIES.iter().map(|c| c.region).collect();
        assert_eq!(regions.len(), 4);
        for c in COUNTRIES {
            assert!(
                crate::domain::countries::normalise_country(c.code).is_some(),
                "{}",
                c.code
            );
        }
    }
}
