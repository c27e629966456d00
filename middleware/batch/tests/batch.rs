//! Group commit over a real loopback server: concurrent reports share one transaction, a 204
//! waits for the commit, a full queue or a failed commit is 503, a late commit 504.

#[path = "../../layer/tests/support/mod.rs"]
mod support;

use std::sync::{Arc, Condvar, Mutex};
use std::time::Duration;

use http::StatusCode;
use mediadiag_batch::{Batch, Batcher, Store, StoreError};
use support::{SEED_JSON, post};
use tower_mediadiag::MediaDiagnosticsLayer;

/// What the test store has committed, and how its next commits behave.
#[derive(Default)]
struct State {
    batches: Vec<Vec<String>>,
    /// While true, commits wait.
    gated: bool,
    /// Commits waiting at the gate now, and the reports in them.
    held: usize,
    held_reports: usize,
    /// While true, commits (and probes) fail.
    failing: bool,
}

/// A store in memory whose commits a test can hold back or make fail.
#[derive(Clone, Default)]
struct TestStore(Arc<(Mutex<State>, Condvar)>);

impl TestStore {
    fn set(&self, change: impl FnOnce(&mut State)) {
        change(&mut self.0.0.lock().unwrap());
        self.0.1.notify_all();
    }

    fn batches(&self) -> Vec<Vec<String>> {
        self.0.0.lock().unwrap().batches.clone()
    }

    fn committed(&self) -> Vec<String> {
        self.batches().concat()
    }

    fn held(&self) -> usize {
        self.0.0.lock().unwrap().held
    }

    fn held_reports(&self) -> usize {
        self.0.0.lock().unwrap().held_reports
    }
}

impl Store for TestStore {
    async fn commit(&mut self, batch: &Batch) -> Result<(), StoreError> {
        let (state, changed) = &*self.0;
        let mut state = state.lock().unwrap();
        state.held += 1;
        state.held_reports += batch.len();
        let mut state = changed.wait_while(state, |state| state.gated).unwrap();
        state.held -= 1;
        state.held_reports -= batch.len();
        if state.failing {
            return Err(StoreError::new("the test store fails"));
        }
        state.batches.push(batch.records().filter_map(|record| record.conversation_id.clone()).collect());
        Ok(())
    }

    async fn probe(&mut self) -> Result<(), StoreError> {
        if self.0.0.lock().unwrap().failing { Err(StoreError::new("still failing")) } else { Ok(()) }
    }
}

fn path(conversation: &str) -> String {
    format!("/ucwa/v1/applications/192/communication/conversations/{conversation}/audioVideo/reportMediaDiagnostics")
}

async fn post_as(address: std::net::SocketAddr, conversation: &str) -> support::Reply {
    let headers = [("authorization", &*format!("Bearer {}", support::TOKEN)), ("content-type", "application/json")];
    support::send(address, "POST", &path(conversation), &headers, SEED_JSON).await
}

async fn server(batcher: Batcher, deadline: Duration) -> support::Server {
    let layer = MediaDiagnosticsLayer::new(batcher).scope_source(support::tokens()).callback_timeout(deadline);
    support::serve(layer, support::Recorder::default()).await
}

/// Waits (bounded) until `done` holds: a condition, never a guess at how long things take.
async fn eventually(what: &str, done: impl Fn() -> bool) {
    for _ in 0..200 {
        if done() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    panic!("never happened: {what}");
}

#[tokio::test]
async fn concurrent_reports_share_one_commit_and_each_is_answered_after_it() {
    let store = TestStore::default();
    store.set(|state| state.gated = true);
    let (batcher, writers) = Batcher::builder().store("test", store.clone()).build();
    let server = server(batcher.clone(), Duration::from_secs(10)).await;
    let address = server.address;
    let sending: Vec<_> =
        (0..32).map(|n| tokio::spawn(async move { post_as(address, &format!("c{n}")).await.status })).collect();
    // Some reports are in the held commit; the others wait in the queue, unanswered.
    eventually("one commit held, every other report queued", || {
        store.held() == 1 && store.held_reports() + batcher.queued() == 32
    })
    .await;
    assert!(sending.iter().all(|task| !task.is_finished()), "no answer before the commit");
    store.set(|state| state.gated = false);
    for task in sending {
        assert_eq!(task.await.unwrap(), StatusCode::NO_CONTENT);
    }
    let batches = store.batches();
    assert!(batches.iter().any(|batch| batch.len() > 1), "no batch shared a commit: {batches:?}");
    let mut committed = store.committed();
    committed.sort();
    committed.dedup();
    assert_eq!(committed.len(), 32, "each report committed exactly once");
    writers.shutdown().await;
}

#[tokio::test]
async fn a_full_queue_is_503_at_once_and_no_store_keeps_the_report() {
    let (slow, other) = (TestStore::default(), TestStore::default());
    slow.set(|state| state.gated = true);
    let (batcher, writers) =
        Batcher::builder().store("slow", slow.clone()).store("other", other.clone()).queue_capacity(1).build();
    let server = server(batcher.clone(), Duration::from_secs(10)).await;
    let address = server.address;
    let first = tokio::spawn(async move { post_as(address, "in-commit").await.status });
    eventually("the first report in the slow store's held commit", || slow.held() == 1).await;
    let second = tokio::spawn(async move { post_as(address, "queued").await.status });
    eventually("the second report queued for the slow store, committed by the other", || {
        batcher.queued() == 1 && other.committed().len() == 2
    })
    .await;
    let refused = post_as(address, "refused").await;
    assert_eq!(refused.status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(refused.header("retry-after"), "1");
    assert_eq!(refused.json()["code"], "ServiceUnavailable");
    slow.set(|state| state.gated = false);
    assert_eq!(first.await.unwrap(), StatusCode::NO_CONTENT);
    assert_eq!(second.await.unwrap(), StatusCode::NO_CONTENT);
    for store in [&slow, &other] {
        let committed = store.committed();
        assert!(!committed.contains(&"refused".to_owned()), "{committed:?}");
        assert_eq!(committed.len(), 2);
    }
    writers.shutdown().await;
}

#[tokio::test]
async fn a_failed_commit_is_503_never_204_and_the_store_becomes_ready_again() {
    let store = TestStore::default();
    store.set(|state| state.failing = true);
    let (batcher, writers) = Batcher::builder().store("test", store.clone()).retry_after(7).build();
    let server = server(batcher.clone(), Duration::from_secs(10)).await;
    let reply = post(server.address, "application/json", SEED_JSON).await;
    assert_eq!(reply.status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(reply.header("retry-after"), "7");
    assert!(!batcher.is_ready());
    assert_eq!(batcher.readiness().collect::<Vec<_>>(), [("test", false)]);
    store.set(|state| state.failing = false);
    // The writer probes a store that is not ready, about once a second.
    eventually("the store is ready again", || batcher.is_ready()).await;
    assert_eq!(post(server.address, "application/json", SEED_JSON).await.status, StatusCode::NO_CONTENT);
    assert_eq!(store.committed().len(), 1);
    writers.shutdown().await;
}

#[tokio::test]
async fn a_commit_past_the_deadline_is_504() {
    let store = TestStore::default();
    store.set(|state| state.gated = true);
    let (batcher, writers) = Batcher::builder().store("test", store.clone()).build();
    let server = server(batcher, Duration::from_millis(300)).await;
    let reply = post(server.address, "application/json", SEED_JSON).await;
    assert_eq!(reply.status, StatusCode::GATEWAY_TIMEOUT);
    assert_eq!(reply.json()["code"], "GatewayTimeout");
    store.set(|state| state.gated = false);
    writers.shutdown().await;
}

#[tokio::test]
async fn shutdown_commits_every_queued_report_then_refuses_new_ones() {
    let store = TestStore::default();
    store.set(|state| state.gated = true);
    let (batcher, writers) = Batcher::builder().store("test", store.clone()).build();
    let server = server(batcher.clone(), Duration::from_secs(10)).await;
    let address = server.address;
    let waiting: Vec<_> =
        (0..8).map(|n| tokio::spawn(async move { post_as(address, &format!("q{n}")).await.status })).collect();
    eventually("one commit held, every other report queued", || {
        store.held() == 1 && store.held_reports() + batcher.queued() == 8
    })
    .await;
    let shutdown = tokio::spawn(writers.shutdown());
    eventually("the shutdown began", || batcher.is_shutting_down()).await;
    assert!(!shutdown.is_finished(), "shutdown waits for the queued commits");
    assert_eq!(post_as(address, "late").await.status, StatusCode::SERVICE_UNAVAILABLE);
    store.set(|state| state.gated = false);
    shutdown.await.unwrap();
    for task in waiting {
        assert_eq!(task.await.unwrap(), StatusCode::NO_CONTENT);
    }
    assert_eq!(store.committed().len(), 8);
}
