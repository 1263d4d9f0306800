//! Votes are written in batches. On the embedded on-disk database a vote's cost is mostly its
//! commit, and commits happen one after another, so sixty-four members voting at once waited
//! for sixty-four commits (244 votes/s, p99 405 ms). Here every vote goes to one writer task
//! per instance, which takes all the votes that arrived while it was writing the last batch
//! and writes them in one transaction: nobody waits for a timer (an idle instance writes a
//! lone vote at once), and under load one commit carries many votes.
//!
//! Each vote is still checked on its own inside the transaction (by the database's clock) and
//! answered with its own outcome, and only after the commit: nothing is acknowledged before it
//! is stored. If a whole batch fails, its votes are written again one by one, so one vote the
//! database cannot take does not fail the others.
use crate::error::AppError;
use crate::store::Db;
use crate::store::consultations::{self, VoteCast, VoteRefused};
use tokio::sync::{mpsc, oneshot};

/// At most this many votes in one transaction.
const BATCH: usize = 64;
/// Votes waiting beyond this make their requests wait to be queued.
const QUEUE: usize = 1_024;

/// What a vote came to: written, refused (and why), or a failure already logged.
pub type VoteAnswer = Result<Result<(), VoteRefused>, AppError>;

struct Job {
    vote: VoteCast,
    answer: oneshot::Sender<VoteAnswer>,
}

/// This instance's way to write votes (cloned into every request; one writer task behind it).
#[derive(Clone)]
pub struct VoteWriter {
    db: Db,
    queue: mpsc::Sender<Job>,
}

impl VoteWriter {
    /// Starts the writer task (needs a Tokio runtime).
    pub fn start(db: Db) -> Self {
        let (queue, jobs) = mpsc::channel(QUEUE);
        tokio::spawn(write_batches(db.clone(), jobs));
        VoteWriter { db, queue }
    }

    /// Writes one vote with whichever others arrive at the same time, and answers once it is
    /// stored or refused.
    pub async fn cast(&self, vote: VoteCast) -> VoteAnswer {
        let (answer, answered) = oneshot::channel();
        match self.queue.send(Job { vote, answer }).await {
            Ok(()) => answered.await.unwrap_or_else(|_| {
                Err(AppError::internal(
                    "the vote writer stopped before answering a vote",
                ))
            }),
            // The writer task is gone (it panicked: logged there): write this one alone.
            Err(mpsc::error::SendError(job)) => consultations::cast(&self.db, &job.vote).await,
        }
    }
}

async fn write_batches(db: Db, mut jobs: mpsc::Receiver<Job>) {
    let mut batch = Vec::with_capacity(BATCH);
    while jobs.recv_many(&mut batch, BATCH).await > 0 {
        write(&db, std::mem::take(&mut batch)).await;
    }
}

async fn write(db: &Db, batch: Vec<Job>) {
    let (votes, answers): (Vec<VoteCast>, Vec<oneshot::Sender<VoteAnswer>>) =
        batch.into_iter().map(|job| (job.vote, job.answer)).unzip();
    match consultations::cast_all(db, &votes).await {
        Ok(outcomes) => {
            for (answer, outcome) in answers.into_iter().zip(outcomes) {
                // A request that gave up (its client left) no longer listens; its vote stands.
                let _ = answer.send(Ok(outcome));
            }
        }
        Err(_) if votes.len() > 1 => {
            tracing::warn!(
                votes = votes.len(),
                "a batch of votes failed (logged above); writing them one by one"
            );
            for (vote, answer) in votes.iter().zip(answers) {
                let _ = answer.send(consultations::cast(db, vote).await);
            }
        }
        Err(error) => {
            for answer in answers {
                let _ = answer.send(Err(error.clone()));
            }
        }
    }
}
