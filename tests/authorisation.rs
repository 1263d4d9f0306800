//! The authorisation matrix (issue 14, "keep it closed"): one table with every server
//! function and every route, and what each kind of person gets from it. Every cell runs
//! against the real router; requests that change something carry inputs that succeed for a
//! person allowed to make them, so an allowed cell proves the change was made and a refused
//! cell proves the refusal. The table must list everything the app serves: the server
//! functions are read from their registry, the routes from the list the router is built from.
use crate::helpers::*;
use groundwork::domain::accounts::Role;
use groundwork::store;
use std::collections::BTreeSet;

/// What a person gets.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Answer {
    /// Done: a 2xx answer, or a redirect somewhere else than the sign-in page.
    Ok,
    /// Asked to sign in: 401 from a server function, a redirect to the sign-in page for a page.
    In,
    /// Refused: 403.
    No,
    /// Not there for this person: 404.
    Nf,
}
use Answer::{In, Nf, No, Ok};

/// The columns, in the table's order.
const PEOPLE: [Person; 6] = [
    Person::Visitor,
    Person::Member,
    Person::PaperEditor,
    Person::EditorOffPaper,
    Person::OtherOrgEditor,
    Person::Admin,
];

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Person {
    /// Not signed in.
    Visitor,
    /// Zsófia, a member of Kapocs.
    Member,
    /// Marco, an editor of SWN (FR) and of the demo paper.
    PaperEditor,
    /// Liisa, an editor of SWN (FR), taken off the demo paper's editors.
    EditorOffPaper,
    /// Lucía of Ágora, made an editor: not SWN's, not on the paper.
    OtherOrgEditor,
    /// Amélie.
    Admin,
}

impl Person {
    fn email(self) -> Option<&'static str> {
        match self {
            Person::Visitor => None,
            Person::Member => Some(MEMBER),
            Person::PaperEditor => Some(EDITOR),
            Person::EditorOffPaper => Some(LIISA),
            Person::OtherOrgEditor => Some(LUCIA),
            Person::Admin => Some(ADMIN),
        }
    }
}

const LIISA: &str = "liisa.virtanen@example.org";
const LUCIA: &str = "lucia.romero@example.org";
const AWA: &str = "awa.diop@example.org";
const SLUG: &str = "inclusive-volunteering";

/// How a row is asked.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    /// A server function under /fn/, asked as the hydrated app does (its registered method).
    Fn,
    /// A route, opened as a browser opens a page (GET, accepting HTML).
    Page,
    /// A route posted as a browser's file upload.
    Upload,
}

/// One line of the matrix: what is asked, the six answers (visitor, member, editor of the
/// paper, editor off the paper, editor of another organisation, admin), and the inputs.
/// `{name}` in a path or an input is filled in for each cell (see `Cell::fill`); a lone
/// `{name}` segment in the inputs stands for several fields.
struct Row {
    kind: Kind,
    /// A server function's name, or a route as the router lists it.
    what: &'static str,
    answers: [Answer; 6],
    inputs: &'static str,
}

const fn f(what: &'static str, answers: [Answer; 6], inputs: &'static str) -> Row {
    Row {
        kind: Kind::Fn,
        what,
        answers,
        inputs,
    }
}

const fn page(what: &'static str, answers: [Answer; 6]) -> Row {
    Row {
        kind: Kind::Page,
        what,
        answers,
        inputs: "",
    }
}

const fn upload(what: &'static str, answers: [Answer; 6]) -> Row {
    Row {
        kind: Kind::Upload,
        what,
        answers,
        inputs: "",
    }
}

#[rustfmt::skip]
const MATRIX: &[Row] = &[
    //                                visitor member  paper   off     other   admin
    // Accounts
    f("login",                       [Ok,     Ok,     Ok,     Ok,     Ok,     Ok], "email=awa.diop@example.org&password={password}"),
    f("logout",                      [Ok,     Ok,     Ok,     Ok,     Ok,     Ok], ""),
    f("invitation",                  [Ok,     Ok,     Ok,     Ok,     Ok,     Ok], "token={token}"),
    f("accept_invitation",           [Ok,     Ok,     Ok,     Ok,     Ok,     Ok], "token={token}&name=New Person&password=long enough words&password_confirm=long enough words"),
    f("change_password",             [In,     Ok,     Ok,     Ok,     Ok,     Ok], "current_password={password}&password=another long phrase&password_confirm=another long phrase"),
    // Administration
    f("admin_overview",              [In,     No,     No,     No,     No,     Ok], ""),
    f("create_organisation",         [In,     No,     No,     No,     No,     Ok], "name=Organisation {n}&short_name=O{n}&country=PT&kind=member"),
    f("invite_member",               [In,     No,     No,     No,     No,     Ok], "email=new{n}@example.org&organisation={kapocs}&role=member"),
    f("change_role",                 [In,     No,     No,     No,     No,     Ok], "member={awa}&role=member"),
    f("set_member_active",           [In,     No,     No,     No,     No,     Ok], "member={awa}&active=true"),
    f("revoke_invitation",           [In,     No,     No,     No,     No,     Ok], "invitation={invitation}"),
    // Papers and their blocks
    // Visitors get the published papers only.
    f("papers_index",                [Ok,     Ok,     Ok,     Ok,     Ok,     Ok], ""),
    // The front page: published papers and their text, for everyone.
    f("front_page",                  [Ok,     Ok,     Ok,     Ok,     Ok,     Ok], "q=volunteering"),
    f("create_paper",                [In,     No,     Ok,     Ok,     Ok,     Ok], "paper[title]=Paper {n}&paper[summary]="),
    f("draft_workspace",             [In,     Ok,     Ok,     Ok,     Ok,     Ok], "slug={slug}"),
    f("workspace_page",              [In,     Ok,     Ok,     Ok,     Ok,     Ok], "slug={slug}&only_open=true"),
    f("add_block",                   [In,     No,     Ok,     No,     No,     Ok], "slug={slug}&after=&kind=text"),
    f("save_block",                  [In,     No,     Ok,     No,     No,     Ok], "slug={slug}&block={block}&rev=1&kind=text&text=Checked."),
    f("current_block",               [In,     No,     Ok,     No,     No,     Ok], "slug={slug}&block={block}"),
    f("move_block",                  [In,     No,     Ok,     No,     No,     Ok], "slug={slug}&block={block}&direction=up"),
    f("delete_block",                [In,     No,     Ok,     No,     No,     Ok], "slug={slug}&block={block}"),
    f("block_action",                [In,     No,     Ok,     No,     No,     Ok], "slug={slug}&block={block}&op=up"),
    f("block_revisions",             [In,     Ok,     Ok,     Ok,     Ok,     Ok], "slug={slug}&block={block}"),
    f("compare_texts",               [In,     Ok,     Ok,     Ok,     Ok,     Ok], "before=One text.&after=Another text."),
    f("preview_block",               [In,     Ok,     Ok,     Ok,     Ok,     Ok], "text=A *paragraph*."),
    f("set_editing",                 [In,     No,     Ok,     No,     No,     Ok], "slug={slug}&block={block}"),
    f("draft_import_form",           [In,     No,     Ok,     No,     No,     Ok], "slug={slug}"),
    f("import_markdown",             [In,     No,     Ok,     No,     No,     Ok], "slug={slug}&markdown=An imported paragraph."),
    f("paper_editors",               [In,     No,     Ok,     No,     No,     Ok], "slug={slug}"),
    f("add_paper_editor",            [In,     No,     Ok,     No,     No,     Ok], "slug={slug}&member={new_editor}"),
    f("remove_paper_editor",         [In,     No,     Ok,     No,     No,     Ok], "slug={slug}&editor={listed_editor}"),
    // Consultations
    f("consultation",                [In,     Ok,     Ok,     Ok,     Ok,     Ok], "slug={slug}"),
    f("open_consultation",           [In,     No,     Ok,     No,     No,     Ok], "slug={new_paper}&consultation[opens_at]=&consultation[closes_at]={in_a_week}&consultation[quorum]=&consultation[results]=named"),
    f("extend_consultation",         [In,     No,     Ok,     No,     No,     Ok], "slug={consulting_paper}&closes_at={in_a_month}"),
    f("close_consultation",          [In,     No,     Ok,     No,     No,     Ok], "slug={consulting_paper}"),
    f("cast_vote",                   [In,     Ok,     Ok,     Ok,     Ok,     Ok], "slug={slug}&target={recommendation}&choice=support"),
    f("consultation_results",        [In,     Ok,     Ok,     Ok,     Ok,     Ok], "slug={slug}"),
    // Comments, moderation and amendments
    f("block_comments",              [In,     Ok,     Ok,     Ok,     Ok,     Ok], "slug={slug}&block={block}"),
    f("post_comment",                [In,     Ok,     Ok,     Ok,     Ok,     Ok], "slug={slug}&block={block}&text=A comment.&passage=A block"),
    f("reply_comment",               [In,     Ok,     Ok,     Ok,     Ok,     Ok], "slug={slug}&parent={comment}&text=A reply."),
    // Each person corrects a comment of their own (only its author may).
    f("edit_comment",                [In,     Ok,     Ok,     Ok,     Ok,     Ok], "slug={slug}&comment={own_comment}&text=Corrected."),
    f("resolve_comment",             [In,     No,     Ok,     No,     No,     Ok], "slug={slug}&comment={comment}"),
    f("open_comment_counts",         [In,     Ok,     Ok,     Ok,     Ok,     Ok], "slug={slug}"),
    f("blocks_with_open_comments",   [In,     Ok,     Ok,     Ok,     Ok,     Ok], "slug={slug}"),
    f("block_discussion",            [In,     Ok,     Ok,     Ok,     Ok,     Ok], "slug={slug}&block={block}"),
    f("report_comment",              [In,     Ok,     Ok,     Ok,     Ok,     Ok], "slug={slug}&comment={comment}&reason=Off topic."),
    f("hide_comment",                [In,     No,     Ok,     No,     No,     Ok], "slug={slug}&comment={comment}&reason=Off topic."),
    f("dismiss_reports",             [In,     No,     Ok,     No,     No,     Ok], "slug={slug}&comment={comment}"),
    // Editors get the reports of their own papers (none, off the paper).
    f("moderation_queue",            [In,     No,     Ok,     Ok,     Ok,     Ok], ""),
    f("needs_me",                    [In,     Ok,     Ok,     Ok,     Ok,     Ok], ""),
    f("needs_count",                 [Ok,     Ok,     Ok,     Ok,     Ok,     Ok], ""),
    f("propose_amendment",           [In,     Ok,     Ok,     Ok,     Ok,     Ok], "slug={slug}&block={block}&text=A better block.&rationale=Clearer."),
    f("amendments",                  [In,     Ok,     Ok,     Ok,     Ok,     Ok], "slug={slug}&block={block}"),
    f("vote_amendment",              [In,     Ok,     Ok,     Ok,     Ok,     Ok], "slug={slug}&amendment={amendment}&choice=support"),
    f("accept_amendment",            [In,     No,     Ok,     No,     No,     Ok], "slug={slug}&amendment={amendment}"),
    f("reject_amendment",            [In,     No,     Ok,     No,     No,     Ok], "slug={slug}&amendment={amendment}&reason=Not now."),
    // Each person withdraws an amendment of their own (only its proposer may).
    f("withdraw_amendment",          [In,     Ok,     Ok,     Ok,     Ok,     Ok], "slug={slug}&amendment={own_amendment}"),
    // Publishing
    f("prepublish_check",            [In,     No,     Ok,     No,     No,     Ok], "slug={slug}"),
    f("publish_paper",               [In,     No,     Ok,     No,     No,     Ok], "slug={paper_to_publish}&number=1&release_notes=First publication."),
    // Evidence
    f("evidence_library",            [Ok,     Ok,     Ok,     Ok,     Ok,     Ok], "filter[page]=1"),
    f("evidence_to_cite",            [Ok,     Ok,     Ok,     Ok,     Ok,     Ok], "q=camp"),
    f("evidence_item",               [Ok,     Ok,     Ok,     Ok,     Ok,     Ok], "key={key}"),
    f("evidence_card",               [Ok,     Ok,     Ok,     Ok,     Ok,     Ok], "key={key}"),
    f("assessment",                  [Ok,     Ok,     Ok,     Ok,     Ok,     Ok], "id={assessment}&page=1"),
    f("assessment_form",             [In,     No,     Ok,     Ok,     No,     Ok], "id={assessment}"),
    f("save_assessment",             [In,     No,     Ok,     Ok,     No,     Ok], "id={assessment}&assessment[title]=A checked title&assessment[programme]=&assessment[method]=survey&assessment[period_from]=2019-01-01&assessment[period_to]=2019-12-31&assessment[countries]=FR&assessment[summary]=Checked.&assessment[link]="),
    f("evidence_form",               [In,     No,     Ok,     Ok,     No,     Ok], "key={key}&assessment="),
    f("suggest_evidence_key",        [In,     No,     Ok,     Ok,     Ok,     Ok], "country=FI&collected_on=2022-03-01&kind=testimony"),
    f("save_evidence",               [In,     No,     Ok,     Ok,     No,     Ok], "current_key={key}&assessment={assessment}&{finding}"),
    f("import_preview",              [In,     No,     Ok,     Ok,     No,     Ok], "batch={batch}"),
    f("confirm_import",              [In,     No,     Ok,     Ok,     No,     Ok], "batch={batch}"),
    // Pages
    page("/",                        [Ok,     Ok,     Ok,     Ok,     Ok,     Ok]),
    page("/login",                   [Ok,     Ok,     Ok,     Ok,     Ok,     Ok]),
    page("/account",                 [In,     Ok,     Ok,     Ok,     Ok,     Ok]),
    page("/admin",                   [In,     No,     No,     No,     No,     Ok]),
    page("/invite/{token}",          [Ok,     Ok,     Ok,     Ok,     Ok,     Ok]),
    page("/evidence",                [Ok,     Ok,     Ok,     Ok,     Ok,     Ok]),
    page("/evidence/{key}",          [Ok,     Ok,     Ok,     Ok,     Ok,     Ok]),
    page("/evidence/{key}/edit",     [In,     No,     Ok,     Ok,     No,     Ok]),
    page("/papers",                  [Ok,     Ok,     Ok,     Ok,     Ok,     Ok]),
    page("/papers/new",              [In,     No,     Ok,     Ok,     Ok,     Ok]),
    page("/papers/{slug}/draft",     [In,     Ok,     Ok,     Ok,     Ok,     Ok]),
    // A form is not shown to someone whose save it would be refused.
    page("/papers/{slug}/draft/import", [In,  No,     Ok,     No,     No,     Ok]),
    page("/papers/{slug}/draft/blocks/{block}", [In, No, Ok,  No,     No,     Ok]),
    page("/papers/{slug}/draft/blocks/{block}/discussion", [In, Ok, Ok, Ok, Ok, Ok]),
    // Editors see the reports of their own papers (none, off the paper); members moderate nothing.
    page("/moderation",              [In,     No,     Ok,     Ok,     Ok,     Ok]),
    page("/needs-me",                [In,     Ok,     Ok,     Ok,     Ok,     Ok]),
    page("/papers/{slug}/editors",   [In,     No,     Ok,     No,     No,     Ok]),
    page("/papers/{slug}/consultation", [In,  Ok,     Ok,     Ok,     Ok,     Ok]),
    page("/papers/{slug}/consultation/results", [In, Ok, Ok,  Ok,     Ok,     Ok]),
    page("/papers/{slug}/publish",   [In,     No,     Ok,     No,     No,     Ok]),
    // The published versions: for everyone, no account needed.
    page("/papers/{slug}",           [Ok,     Ok,     Ok,     Ok,     Ok,     Ok]),
    page("/papers/{slug}/v/{number}", [Ok,    Ok,     Ok,     Ok,     Ok,     Ok]),
    page("/reading.css",             [Ok,     Ok,     Ok,     Ok,     Ok,     Ok]),
    page("/papers/{slug}/compare/{from}/{to}", [Ok, Ok, Ok,   Ok,     Ok,     Ok]),
    page("/papers/{slug}/v/{number}/citation.bib", [Ok, Ok, Ok, Ok,   Ok,     Ok]),
    page("/papers/{slug}/v/{number}/citation.ris", [Ok, Ok, Ok, Ok,   Ok,     Ok]),
    page("/papers/{slug}/v/{number}/citation.json", [Ok, Ok, Ok, Ok,  Ok,     Ok]),
    page("/papers/{slug}/v/{number}/paper.md", [Ok, Ok,   Ok,     Ok,     Ok,     Ok]),
    page("/papers/{slug}/v/{number}/paper.html", [Ok, Ok, Ok,     Ok,     Ok,     Ok]),
    page("/feed.atom",               [Ok,     Ok,     Ok,     Ok,     Ok,     Ok]),
    page("/papers/{slug}/feed.atom", [Ok,     Ok,     Ok,     Ok,     Ok,     Ok]),
    // The JSON API: published data only, for everyone.
    page("/api/v1/openapi.json",     [Ok,     Ok,     Ok,     Ok,     Ok,     Ok]),
    page("/api/v1/papers",           [Ok,     Ok,     Ok,     Ok,     Ok,     Ok]),
    page("/api/v1/papers/{slug}/versions", [Ok, Ok,   Ok,     Ok,     Ok,     Ok]),
    page("/api/v1/papers/{slug}/versions/{number}", [Ok, Ok, Ok, Ok,  Ok,     Ok]),
    page("/assessments/new",         [In,     No,     Ok,     Ok,     Ok,     Ok]),
    page("/assessments/{id}",        [Ok,     Ok,     Ok,     Ok,     Ok,     Ok]),
    page("/assessments/{id}/edit",   [In,     No,     Ok,     Ok,     No,     Ok]),
    page("/assessments/{id}/evidence/new", [In, No,   Ok,     Ok,     No,     Ok]),
    page("/assessments/{id}/import", [In,     No,     Ok,     Ok,     No,     Ok]),
    page("/assessments/{id}/import/{batch}", [In, No, Ok,     Ok,     No,     Ok]),
    // Routes outside the pages
    page("/healthz",                 [Ok,     Ok,     Ok,     Ok,     Ok,     Ok]),
    page("/lang/{code}",             [Ok,     Ok,     Ok,     Ok,     Ok,     Ok]),
    page("/evidence.csv",            [Ok,     Ok,     Ok,     Ok,     Ok,     Ok]),
    page("/evidence/sample.csv",     [Ok,     Ok,     Ok,     Ok,     Ok,     Ok]),
    page("/papers/{slug}/draft.md",  [In,     Ok,     Ok,     Ok,     Ok,     Ok]),
    page("/papers/{slug}/consultation.csv", [In, Ok,  Ok,     Ok,     Ok,     Ok]),
    page("/papers/{slug}/events",    [In,     Ok,     Ok,     Ok,     Ok,     Ok]),
    upload("/assessments/{id}/import", [In,   No,     Ok,     Ok,     No,     Ok]),
];

/// The people and things every cell of one app refers to.
struct Demo {
    app: TestApp,
    paper_id: String,
    /// Member ids by email.
    ids: std::collections::HashMap<String, String>,
    kapocs: String,
    assessment: String,
    key: String,
}

impl Demo {
    async fn start() -> Demo {
        // Every cell reads the library and exports it: no budget runs out here.
        let mut config = groundwork::config::Config::for_tests("mem://");
        config.costly_per_minute = 100_000;
        let app = TestApp::spawn_with(config).await;
        let db = app.state.db.clone();
        let ids = store::members::list(&db)
            .await
            .unwrap()
            .into_iter()
            .map(|m| (m.email.clone(), m.id))
            .collect::<std::collections::HashMap<_, _>>();
        let kapocs = store::members::list(&db)
            .await
            .unwrap()
            .into_iter()
            .find(|m| m.email == MEMBER)
            .unwrap()
            .organisation_id;
        let paper_id = store::papers::by_slug(&db, SLUG).await.unwrap().unwrap().id;
        // Liisa stays an editor of SWN but is no longer one of the paper's editors; Lucía
        // becomes an editor of her own organisation.
        store::papers::set_editors_by_email(&db, &paper_id, &[EDITOR, "jonas.weber@example.org"])
            .await
            .unwrap();
        store::members::set_role(&db, &ids[LUCIA], Role::Editor)
            .await
            .unwrap();
        let mut response = db
            .query(
                "SELECT VALUE [key, record::id(assessment)] FROM evidence
                 WHERE visibility = 'public' ORDER BY key LIMIT 1",
            )
            .await
            .unwrap();
        let first: Vec<Vec<String>> = response.take(0).unwrap();
        let (key, assessment) = (first[0][0].clone(), first[0][1].clone());
        Demo {
            app,
            paper_id,
            ids,
            kapocs,
            assessment,
            key,
        }
    }

    /// A session of `person`'s own, made in the store (signing in hashes a password).
    async fn cookie(&self, person: Person) -> Option<String> {
        let email = person.email()?;
        let token = groundwork::auth::token::new_token();
        store::sessions::create(
            &self.app.state.db,
            &groundwork::auth::token::digest(&token),
            &self.ids[email],
            1,
        )
        .await
        .unwrap();
        Some(format!("gw_session={token}"))
    }

    /// The member who asks, for things made on their behalf (a visitor's are Marco's).
    fn member_id(&self, person: Person) -> &str {
        &self.ids[person.email().unwrap_or(EDITOR)]
    }

    /// A new editor of SWN, on no paper.
    async fn new_editor(&self, n: usize) -> String {
        store::members::create(
            &self.app.state.db,
            store::members::NewMember {
                name: "Extra Editor",
                email: &format!("editor{n}@example.org"),
                organisation_id: &self.organisation_of(EDITOR).await,
                role: Role::Editor,
                password_hash: "unused",
            },
        )
        .await
        .unwrap()
    }

    async fn organisation_of(&self, email: &str) -> String {
        store::members::list(&self.app.state.db)
            .await
            .unwrap()
            .into_iter()
            .find(|m| m.email == email)
            .unwrap()
            .organisation_id
    }
}

/// One cell being asked: fills in the `{name}`s of its row, making what it needs.
struct Cell<'a> {
    demo: &'a Demo,
    person: Person,
    n: usize,
}

impl Cell<'_> {
    async fn fill(&self, text: &str) -> String {
        let mut out = String::new();
        let mut rest = text;
        while let Some(start) = rest.find('{') {
            let end = start + rest[start..].find('}').expect("a closing brace");
            out.push_str(&rest[..start]);
            out.push_str(&self.value(&rest[start + 1..end]).await);
            rest = &rest[end + 1..];
        }
        out.push_str(rest);
        out
    }

    /// The inputs as form fields, every `{name}` filled in.
    async fn fields(&self, inputs: &str) -> Vec<(String, String)> {
        let mut fields = Vec::new();
        for pair in inputs.split('&').filter(|p| !p.is_empty()) {
            match pair.split_once('=') {
                Some((name, value)) => fields.push((name.to_string(), self.fill(value).await)),
                None => fields.extend(self.group(pair.trim_matches(['{', '}'])).await),
            }
        }
        fields
    }

    async fn value(&self, name: &str) -> String {
        let demo = self.demo;
        let db = &demo.app.state.db;
        let n = self.n;
        match name {
            "password" => PASSWORD.to_string(),
            "n" => n.to_string(),
            "slug" => SLUG.to_string(),
            "code" => "fi".to_string(),
            "number" | "from" => "1".to_string(),
            // The demo paper's second version.
            "to" => "2".to_string(),
            "key" => demo.key.clone(),
            "assessment" | "id" => demo.assessment.clone(),
            "kapocs" => demo.kapocs.clone(),
            "awa" => demo.ids[AWA].clone(),
            "in_a_week" => in_days(7),
            "in_a_month" => in_days(30),
            "block" => self.new_block().await,
            "comment" => self.new_comment(MEMBER).await,
            "own_comment" => {
                self.new_comment(self.person.email().unwrap_or(EDITOR))
                    .await
            }
            "amendment" => self.new_amendment(MEMBER).await,
            "own_amendment" => {
                self.new_amendment(self.person.email().unwrap_or(EDITOR))
                    .await
            }
            "recommendation" => {
                store::papers::blocks(db, &demo.paper_id)
                    .await
                    .unwrap()
                    .into_iter()
                    .find(|b| b.kind == "recommendation")
                    .unwrap()
                    .id
            }
            "new_editor" => demo.new_editor(n).await,
            "listed_editor" => {
                let id = demo.new_editor(n).await;
                store::papers::add_editor(db, &demo.paper_id, &id, None)
                    .await
                    .unwrap();
                id
            }
            "new_paper" => self.new_paper().await.1,
            // Nothing unsupported to override: publishing it needs only release notes.
            "paper_to_publish" => {
                self.new_paper_of(groundwork::domain::coverage::BlockKind::Text)
                    .await
                    .1
            }
            "consulting_paper" => {
                let (id, slug) = self.new_paper().await;
                let fields = groundwork::domain::consultations::ConsultationFields {
                    opens_at: None,
                    closes_at: (chrono::Utc::now() + chrono::Duration::days(7))
                        .format("%Y-%m-%dT%H:%M:00Z")
                        .to_string(),
                    quorum: None,
                    reason_required: false,
                    results: groundwork::domain::consultations::ResultsMode::Named,
                };
                store::consultations::open(db, &id, &fields, &demo.ids[EDITOR])
                    .await
                    .unwrap();
                slug
            }
            "token" => self.invitation().await.0,
            "invitation" => self.invitation().await.1,
            "batch" => {
                // The sample's header and first row, under a key of its own.
                let mut lines = groundwork::domain::evidence_csv::SAMPLE.lines();
                let (header, row) = (lines.next().unwrap(), lines.next().unwrap());
                let (_, rest) = row.split_once(',').unwrap();
                let csv = format!("{header}\nmatrix-{n},{rest}\n");
                let preview = groundwork::domain::evidence_csv::read(csv.as_bytes()).unwrap();
                assert!(preview.problems.is_empty(), "{:?}", preview.problems);
                store::imports::create(
                    db,
                    &demo.assessment,
                    demo.member_id(self.person),
                    "matrix.csv",
                    &preview,
                )
                .await
                .unwrap()
            }
            other => panic!("the matrix names {{{other}}}, which nothing fills in"),
        }
    }

    /// Fields that come as a set: a finding's form as stored now (its version included).
    async fn group(&self, name: &str) -> Vec<(String, String)> {
        assert_eq!(name, "finding", "the matrix names a set of fields {name}");
        let admin = self.demo.cookie(Person::Admin).await;
        let form = json(
            self.demo
                .app
                .fetch(
                    &format!("/fn/evidence_form?key={}&assessment=", self.demo.key),
                    admin.as_deref(),
                )
                .await,
        )
        .await;
        let mut fields = vec![(
            "version".to_string(),
            form["version"].as_str().unwrap().to_string(),
        )];
        for (field, value) in form["input"].as_object().unwrap() {
            let value = match field.as_str() {
                "text" => format!("Checked wording {}.", self.n),
                _ => value.as_str().unwrap_or("").to_string(),
            };
            fields.push((format!("item[{field}]"), value));
        }
        fields
    }

    /// A new text block at the top of the demo paper.
    async fn new_block(&self) -> String {
        let kind = groundwork::domain::coverage::BlockKind::Text;
        let db = &self.demo.app.state.db;
        store::papers::add_block(db, &self.demo.paper_id, None, kind, "A block.", &[], None)
            .await
            .unwrap()
    }

    /// A new comment by `email` on a new block of the demo paper.
    async fn new_comment(&self, email: &str) -> String {
        let block = self.new_block().await;
        let comment = store::comments::NewComment {
            paper: &self.demo.paper_id,
            block: &block,
            amendment: None,
            parent: None,
            kind: groundwork::domain::comments::CommentKind::Comment,
            text: "A comment.",
            quote: None,
            author: &self.demo.ids[email],
        };
        store::comments::post(&self.demo.app.state.db, &comment)
            .await
            .unwrap()
            .unwrap()
    }

    /// A new open amendment by `email` to a new block of the demo paper.
    async fn new_amendment(&self, email: &str) -> String {
        let block = self.new_block().await;
        store::amendments::propose(
            &self.demo.app.state.db,
            &self.demo.paper_id,
            &block,
            1,
            "A better block.",
            "Clearer.",
            &self.demo.ids[email],
        )
        .await
        .unwrap()
        .unwrap()
    }

    /// A new paper of Marco's with one recommendation and no consultation: (id, slug).
    async fn new_paper(&self) -> (String, String) {
        self.new_paper_of(groundwork::domain::coverage::BlockKind::Recommendation)
            .await
    }

    /// A new paper of Marco's with one block of this kind and no consultation: (id, slug).
    async fn new_paper_of(
        &self,
        kind: groundwork::domain::coverage::BlockKind,
    ) -> (String, String) {
        let (db, n) = (&self.demo.app.state.db, self.n);
        let fields = groundwork::domain::papers::PaperInput {
            title: format!("Paper of the matrix {n}"),
            slug: String::new(),
            summary: String::new(),
        }
        .validate()
        .unwrap();
        let id = store::papers::create(db, &fields, Some(&self.demo.ids[EDITOR]))
            .await
            .unwrap();
        let blocks = vec![(kind, "Fund inclusive workcamps.".to_string(), Vec::new())];
        store::papers::append_blocks(db, &id, &blocks, None)
            .await
            .unwrap();
        (id, fields.slug)
    }

    /// A new invitation to Kapocs: (its token, its id).
    async fn invitation(&self) -> (String, String) {
        let db = &self.demo.app.state.db;
        let token = groundwork::auth::token::new_token();
        let email = format!("invited{}@example.org", self.n);
        store::invitations::create(
            db,
            store::invitations::NewInvitation {
                token_hash: &groundwork::auth::token::digest(&token),
                email: &email,
                organisation_id: &self.demo.kapocs,
                role: Role::Member,
                invited_by: &self.demo.ids[ADMIN],
                days: 7,
            },
        )
        .await
        .unwrap();
        let id = store::invitations::pending(db)
            .await
            .unwrap()
            .into_iter()
            .find(|i| i.email == email)
            .unwrap()
            .id;
        (token, id)
    }
}

/// What the answer says, from its status and where it redirects.
fn answer_of(response: &reqwest::Response) -> Result<Answer, String> {
    let status = response.status().as_u16();
    let to_sign_in = || {
        response
            .headers()
            .get("location")
            .and_then(|l| l.to_str().ok())
            .is_some_and(|l| l.starts_with("/login"))
    };
    match status {
        200..=299 => Result::Ok(Answer::Ok),
        300..=399 if to_sign_in() => Result::Ok(In),
        300..=399 => Result::Ok(Answer::Ok),
        401 => Result::Ok(In),
        403 => Result::Ok(No),
        404 => Result::Ok(Nf),
        other => Err(format!("status {other}")),
    }
}

async fn ask(
    demo: &Demo,
    row: &Row,
    method: &http::Method,
    person: Person,
    n: usize,
) -> (Result<Answer, String>, String) {
    let cell = Cell { demo, person, n };
    let cookie = demo.cookie(person).await;
    let app = &demo.app;
    let client = TestApp::client();
    let mut request = match row.kind {
        Kind::Fn => {
            let url = app.url(&format!("/fn/{}", row.what));
            let fields = cell.fields(row.inputs).await;
            let request = if *method == http::Method::GET {
                client.get(url).query(&fields)
            } else {
                client.post(url).form(&fields)
            };
            request.header("accept", "application/json")
        }
        Kind::Page => client
            .get(app.url(&cell.fill(row.what).await))
            .header("accept", "text/html"),
        Kind::Upload => {
            let path = cell.fill(row.what).await;
            let assessment = path.split('/').nth(2).unwrap().to_string();
            let sample = groundwork::domain::evidence_csv::SAMPLE.as_bytes();
            let response = app.upload(&assessment, sample, cookie.as_deref()).await;
            return (answer_of(&response), String::new());
        }
    };
    // As a browser sends them from the app's own pages.
    request = request
        .header("origin", app.url(""))
        .header("sec-fetch-site", "same-origin");
    if let Some(cookie) = &cookie {
        request = request.header("cookie", cookie);
    }
    let response = request.send().await.unwrap();
    let answer = answer_of(&response);
    if response.status().is_client_error() || response.status().is_server_error() {
        // What the app said, for the report (an error's body is short and complete; a
        // success may be a stream that never ends).
        let said = response.text().await.unwrap_or_default();
        return (answer, said.chars().take(200).collect());
    }
    (answer, String::new())
}

/// Every server function the app registers, by name, with its method.
fn registered_functions() -> Vec<(String, http::Method)> {
    leptos::server_fn::axum::server_fn_paths()
        .map(|(path, method)| {
            let name = path.strip_prefix("/fn/").unwrap_or(path).to_string();
            (name, method)
        })
        .collect()
}

// A runtime, as the server has: listing the pages renders the app's routes.
#[tokio::test]
async fn the_matrix_lists_every_server_function_and_route() {
    let listed_fns: BTreeSet<&str> = MATRIX
        .iter()
        .filter(|r| r.kind == Kind::Fn)
        .map(|r| r.what)
        .collect();
    let registered: BTreeSet<String> = registered_functions().into_iter().map(|(n, _)| n).collect();
    let unlisted: Vec<&String> = registered
        .iter()
        .filter(|n| !listed_fns.contains(n.as_str()))
        .collect();
    assert!(
        unlisted.is_empty(),
        "server functions missing from the matrix: {unlisted:?}"
    );
    let gone: Vec<&&str> = listed_fns
        .iter()
        .filter(|n| !registered.contains(**n))
        .collect();
    assert!(
        gone.is_empty(),
        "the matrix lists functions that no longer exist: {gone:?}"
    );

    let listed_routes: BTreeSet<(String, &str)> = MATRIX
        .iter()
        .filter(|r| r.kind != Kind::Fn)
        .map(|r| {
            let method = if r.kind == Kind::Upload {
                "POST"
            } else {
                "GET"
            };
            (method.to_string(), r.what)
        })
        .collect();
    let served: BTreeSet<(String, String)> = groundwork::server::route_list()
        .into_iter()
        .map(|(method, path)| (method.to_string(), path))
        .collect();
    let unlisted: Vec<_> = served
        .iter()
        .filter(|(m, p)| !listed_routes.contains(&(m.clone(), p.as_str())))
        .collect();
    assert!(
        unlisted.is_empty(),
        "routes missing from the matrix: {unlisted:?}"
    );
    let gone: Vec<_> = listed_routes
        .iter()
        .filter(|(m, p)| !served.contains(&(m.clone(), p.to_string())))
        .collect();
    assert!(
        gone.is_empty(),
        "the matrix lists routes that are not served: {gone:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_person_gets_the_answer_the_matrix_gives() {
    let methods: std::collections::HashMap<String, http::Method> =
        registered_functions().into_iter().collect();
    let demo = Demo::start().await;
    let mut wrong = Vec::new();
    let mut n = 0;
    for row in MATRIX {
        let method = match row.kind {
            Kind::Fn => methods.get(row.what).cloned().unwrap_or(http::Method::POST),
            Kind::Page => http::Method::GET,
            Kind::Upload => http::Method::POST,
        };
        for (person, expected) in PEOPLE.iter().zip(row.answers) {
            n += 1;
            let (got, said) = ask(&demo, row, &method, *person, n).await;
            if got != Result::Ok(expected) {
                wrong.push(format!(
                    "{:?} {}: {person:?} expected {expected:?}, got {got:?} {said}",
                    row.kind, row.what
                ));
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "{} cells differ:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
}
