//! Papers: the list, a new paper, and a paper's draft workspace (one part of its blocks, with
//! coverage, parts and who is editing). Members read drafts; the paper's editors (and
//! admins) change them (see `blocks` and `paper_editors`).
use crate::domain::comments::OpenCount;
use crate::domain::papers::{PaperInput, PaperSummary, Workspace};
use crate::error::AppError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use {
    super::door,
    crate::auth,
    crate::domain::accounts::Role,
    crate::domain::papers::{PART_SIZE, part_start, parts},
    crate::store,
};

/// The longest block id a request may name (ids are 20 characters; this leaves room).
#[cfg(feature = "ssr")]
const BLOCK_ID_MAX: usize = 64;

#[server(prefix = "/fn", endpoint = "papers_index", input = leptos::server_fn::codec::GetUrl)]
pub async fn papers_index() -> Result<Vec<PaperSummary>, AppError> {
    let result = async {
        let state = door::state()?;
        let signed_in = door::session().member.is_some();
        let papers = store::papers::list(&state.db).await?;
        // Drafts are the network's own business; visitors see papers with a published
        // version only (whatever their draft is doing now).
        Ok(papers
            .into_iter()
            .filter(|p| signed_in || p.published.is_some())
            .collect())
    }
    .await;
    door::finish(result, &[])
}

#[server(prefix = "/fn", endpoint = "create_paper")]
pub async fn create_paper(paper: PaperInput) -> Result<String, AppError> {
    let result = async {
        let parts = door::parts()?;
        let member = auth::require_role(&parts, Role::Editor)?;
        let state = door::state()?;
        let fields = paper.validate()?;
        store::papers::create(&state.db, &fields, Some(&member.id)).await?;
        door::redirect_plain_form(&format!("/papers/{}/draft", fields.slug));
        Ok(fields.slug)
    }
    .await;
    door::finish(
        result,
        &[
            ("paper[title]", &paper.title),
            ("paper[slug]", &paper.slug),
            ("paper[summary]", &paper.summary),
        ],
    )
}

#[server(prefix = "/fn", endpoint = "draft_workspace", input = leptos::server_fn::codec::GetUrl)]
pub async fn draft_workspace(
    slug: String,
    /// The part starting at this block index (see `PART_SIZE`).
    #[server(default)]
    from: usize,
    /// The part holding this block (an id); wins over `from`.
    #[server(default)]
    at: String,
) -> Result<Workspace, AppError> {
    let result = async {
        let (state, member) = access::require_member()?;
        let label = access::needed_label();
        let paper = access::paper(&state, &slug).await?;
        workspace(&state, &member, paper, from, &at, &label).await
    }
    .await;
    door::finish(result, &[])
}

/// The draft page's data in one call: the workspace (as `draft_workspace`), each block's count
/// of open comment threads (the margin's numbers) and, with `only_open`, the blocks with open
/// threads, all of them in one list. One call reads who is calling once, before anything is
/// awaited: a page that called one server function after another found no request in its
/// context after the first await whenever the browser had gone meanwhile.
#[server(prefix = "/fn", endpoint = "workspace_page", input = leptos::server_fn::codec::GetUrl)]
pub async fn workspace_page(
    slug: String,
    #[server(default)] from: usize,
    #[server(default)] at: String,
    #[server(default)] only_open: bool,
) -> Result<(Workspace, Vec<OpenCount>), AppError> {
    let result = async {
        let (state, member) = access::require_member()?;
        let label = access::needed_label();
        let paper = access::paper(&state, &slug).await?;
        let paper_id = paper.id.clone();
        let (shown, counts) = tokio::join!(
            workspace(&state, &member, paper, from, &at, &label),
            crate::drafts::open_counts(&state.db, &state.caches, &paper_id),
        );
        let mut shown = shown?;
        // The margin's numbers are an extra: a failure to count leaves the workspace shown.
        let counts = counts.unwrap_or_else(|error| {
            tracing::warn!(%error, paper = %paper_id, "counting open comment threads");
            Vec::new()
        });
        if only_open {
            shown.blocks =
                crate::drafts::blocks_counted(&state.db, &state.caches, &paper_id, &counts, &label)
                    .await?;
            shown.first = 0;
            shown.parts = Vec::new();
        }
        Ok((shown, counts))
    }
    .await;
    door::finish(result, &[])
}

/// One part of `paper`'s draft as `member` sees it: the part starting at block index `from`,
/// or the one holding block `at` when it is given.
#[cfg(feature = "ssr")]
pub(super) async fn workspace(
    state: &crate::state::AppState,
    member: &crate::domain::accounts::SessionMember,
    paper: store::papers::PaperRow,
    from: usize,
    at: &str,
    label: &str,
) -> Result<Workspace, AppError> {
    // No block id is this long: answered as a block that is not there.
    if at.len() > BLOCK_ID_MAX {
        return Err(AppError::NotFound);
    }
    let (whole, presence, can_edit) = tokio::join!(
        crate::drafts::draft_holding(&state.db, &state.caches, &paper.id, label, at),
        store::events::presence(&state.db, &paper.id),
        access::can_edit(state, &paper, member),
    );
    let whole = whole?;
    let total = whole.blocks.len();
    let at = (!at.is_empty())
        .then(|| whole.blocks.iter().position(|b| b.id == at))
        .flatten();
    let first = part_start(total, from, at);
    let shown = first..(first + PART_SIZE).min(total);
    Ok(Workspace {
        summary_html: crate::markdown::render(&paper.summary),
        id: paper.id,
        slug: paper.slug,
        title: paper.title,
        status: paper.status,
        blocks: whole.blocks[shown].to_vec(),
        first,
        total,
        before: first
            .checked_sub(1)
            .map(|i| whole.blocks[i].id.clone())
            .unwrap_or_default(),
        parts: parts(total, &whole.headings),
        supported: whole.supported,
        needing_support: whole.needing,
        can_edit,
        presence: presence.unwrap_or_default(),
    })
}

/// Who is calling and which paper (and block) they mean: shared by the papers, blocks and
/// paper editors server functions.
#[cfg(feature = "ssr")]
pub(super) mod access {
    use crate::api::door;
    use crate::auth;
    use crate::domain::accounts::{Role, SessionMember};
    use crate::domain::papers::SLUG_MAX;
    use crate::error::AppError;
    use crate::state::AppState;
    use crate::store::{self, papers::PaperRow};

    #[track_caller]
    pub fn require_member() -> Result<(AppState, SessionMember), AppError> {
        let parts = door::parts()?;
        let member = auth::require_role(&parts, Role::Member)?;
        Ok((door::state()?, member))
    }

    pub async fn paper(state: &AppState, slug: &str) -> Result<PaperRow, AppError> {
        if slug.len() > SLUG_MAX {
            return Err(AppError::NotFound);
        }
        store::papers::by_slug(&state.db, slug)
            .await?
            .ok_or(AppError::NotFound)
    }

    /// May this member change this paper? Its listed editors (with the editor role) and admins.
    pub async fn can_edit(state: &AppState, paper: &PaperRow, member: &SessionMember) -> bool {
        match member.role {
            Role::Admin => true,
            Role::Editor => store::papers::is_listed_editor(&state.db, &paper.id, &member.id)
                .await
                .unwrap_or(false),
            Role::Member => false,
        }
    }

    /// The paper, for one of its editors (Forbidden for anyone else).
    pub async fn editable(slug: &str) -> Result<(AppState, SessionMember, PaperRow), AppError> {
        let (state, member) = require_member()?;
        let paper = paper(&state, slug).await?;
        if !can_edit(&state, &paper, &member).await {
            return Err(AppError::Forbidden);
        }
        Ok((state, member, paper))
    }

    /// The paper, for one of its editors to change. Publishing freezes the version, not the
    /// draft: a paper with versions takes changes towards the next one; only a paper whose
    /// stored status is `published` (closed) refuses them, whoever asks.
    pub async fn writable(slug: &str) -> Result<(AppState, SessionMember, PaperRow), AppError> {
        let (state, member, paper) = editable(slug).await?;
        if !crate::domain::papers::takes_changes(&paper.stored_status) {
            return Err(AppError::Published);
        }
        Ok((state, member, paper))
    }

    /// After a change here, what this instance keeps of the paper is stale at once: its
    /// rendered draft, its margin's counts (a deleted block's threads are not counted), its
    /// consultation as votes know it. Other instances learn it from the event.
    pub fn changed(state: &AppState, paper: &PaperRow) {
        state.caches.drafts().forget(&paper.id);
        state.caches.open_counts().forget(&paper.id);
        state.caches.voting().invalidate(&paper.slug);
    }

    /// A block id from a request, checked to belong to the paper.
    pub async fn block_of(
        state: &AppState,
        paper: &PaperRow,
        block: &str,
    ) -> Result<String, AppError> {
        if block.is_empty() || block.len() > 64 {
            return Err(AppError::NotFound);
        }
        match store::papers::paper_of(&state.db, block).await? {
            Some(id) if id == paper.id => Ok(block.to_string()),
            _ => Err(AppError::NotFound),
        }
    }

    /// The label `[@?]` renders as, in the reader's language.
    #[track_caller]
    pub fn needed_label() -> String {
        crate::drafts::needed_label(door::parts_if_any().as_ref().map(|p| &p.headers))
    }
}
