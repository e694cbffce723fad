//! Opt-in live verification (`--verify`): asks each finding's provider whether its
//! secret still works, and marks the finding live, invalid, unknown or error.
//!
//! Nothing here runs unless the user asks: a scan makes no network connection
//! otherwise. Only keyscan's built-in rules are verified, each by the verifier the
//! compiled-in catalog gives it, on that verifier's fixed host; a scanned repository's
//! rules and configuration can neither add a verifier nor point one elsewhere. Each
//! distinct secret (with the identifier it is paired with) is asked about once, at
//! most [`Options::per_host`] at a time per host, each call within
//! [`Options::timeout`], all within [`Options::deadline`]; a 429 or 5xx is retried with
//! back-off. What is recorded of an answer is its status and the catalog's words,
//! never the secret or the provider's text.

mod catalog;
mod http;
pub mod sigv4;

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::net::SocketAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

pub use http::VIA_LOOPBACK;

use crate::finding::{Finding, Liveness, Verification};
use crate::rules::{Rule, RuleSource};
use catalog::{Catalog, Plan, Values, Verifier};
use http::Client;

/// The limits a verification run keeps to.
#[derive(Debug, Clone)]
pub struct Options {
    /// Longest wait for one call.
    pub timeout: Duration,
    /// Longest the whole run may take; what is not answered by then is an error.
    pub deadline: Duration,
    /// Most calls to one host at a time.
    pub per_host: usize,
    /// Most times one question is asked when the provider answers 429 or 5xx.
    pub attempts: u32,
    /// Where every call goes instead of its host: a loopback address, for tests
    /// ([`VIA_LOOPBACK`]).
    pub via: Option<SocketAddr>,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            timeout: Duration::from_secs(10),
            deadline: Duration::from_secs(120),
            per_host: 2,
            attempts: 3,
            via: None,
        }
    }
}

impl Options {
    /// The default limits, with calls sent to the loopback address [`VIA_LOOPBACK`]
    /// names if `var` gives it one; an error if it names anything else.
    pub fn from_env(var: impl Fn(&str) -> Option<String>) -> Result<Options, String> {
        let via = var(VIA_LOOPBACK)
            .map(|value| Client::loopback(&value))
            .transpose()?;
        Ok(Options {
            via,
            ..Options::default()
        })
    }
}

/// Longest pause before asking again after a 429 or 5xx, whatever `Retry-After` says.
const MAX_PAUSE: Duration = Duration::from_secs(30);

/// First pause before asking again, doubled each time.
const FIRST_PAUSE: Duration = Duration::from_millis(500);

/// One question for a provider: a secret, and the identifier it is used with.
struct Question<'a> {
    verifier: &'a Verifier,
    secret: String,
    identifier: Option<String>,
}

/// Asks about every finding's secret and records the answer on the finding.
pub fn verify(findings: &mut [Finding], rules: &[Rule], options: &Options) {
    let catalog = Catalog::builtin();
    let mut questions: Vec<Question> = Vec::new();
    let mut asked: HashMap<(usize, String, Option<String>), usize> = HashMap::new();
    let mut pending: Vec<(usize, usize)> = Vec::new();
    for (at, finding) in findings.iter_mut().enumerate() {
        let rule = &rules[finding.rule];
        let verifier = match (&rule.source, catalog.plan(&rule.id)) {
            (RuleSource::Builtin(_), Some(Plan::Ask(verifier))) => verifier,
            (RuleSource::Builtin(_), Some(Plan::Cannot(why))) => {
                finding.verification = Some(unknown(why));
                continue;
            }
            (RuleSource::Builtin(_), None) => {
                finding.verification = Some(unknown("keyscan has no verifier for this rule"));
                continue;
            }
            _ => {
                finding.verification = Some(unknown(
                    "not a built-in rule: only keyscan's own rules are verified",
                ));
                continue;
            }
        };
        let identifier = finding
            .pair
            .as_ref()
            .filter(|_| verifier.needs_identifier())
            .map(|pair| pair.value.clone());
        let values = Values {
            secret: &finding.secret,
            identifier: identifier.as_deref(),
        };
        if let Some(why) = verifier.refuses(values) {
            finding.verification = Some(unknown(why));
            continue;
        }
        let key = (finding.rule, finding.secret.clone(), identifier.clone());
        let question = *asked.entry(key).or_insert_with(|| {
            questions.push(Question {
                verifier,
                secret: finding.secret.clone(),
                identifier,
            });
            questions.len() - 1
        });
        pending.push((at, question));
    }
    let answers = ask_all(&questions, options);
    for (at, question) in pending {
        findings[at].verification = Some(answers[question].clone());
    }
}

fn unknown(why: &str) -> Verification {
    Verification {
        liveness: Liveness::Unknown,
        detail: why.to_owned(),
    }
}

/// Asks every question, at most `options.per_host` at a time per host, and returns
/// the answers in the questions' order.
fn ask_all(questions: &[Question], options: &Options) -> Vec<Verification> {
    let client = Client::new(options.via);
    let deadline = Instant::now() + options.deadline;
    let mut by_host: BTreeMap<&str, VecDeque<usize>> = BTreeMap::new();
    for (index, question) in questions.iter().enumerate() {
        by_host
            .entry(question.verifier.host())
            .or_default()
            .push_back(index);
    }
    let queues: Vec<(usize, Mutex<VecDeque<usize>>)> = by_host
        .into_values()
        .map(|queue| (queue.len().min(options.per_host.max(1)), Mutex::new(queue)))
        .collect();
    let answers: Mutex<Vec<Option<Verification>>> = Mutex::new(vec![None; questions.len()]);
    std::thread::scope(|scope| {
        for (workers, queue) in &queues {
            for _ in 0..*workers {
                let (client, answers) = (&client, &answers);
                scope.spawn(move || {
                    while let Some(index) = pop(queue) {
                        let answer = ask(&questions[index], client, options, deadline);
                        answers.lock().unwrap_or_else(|err| err.into_inner())[index] = Some(answer);
                    }
                });
            }
        }
    });
    answers
        .into_inner()
        .unwrap_or_else(|err| err.into_inner())
        .into_iter()
        .map(|answer| answer.unwrap_or_else(|| error("not asked")))
        .collect()
}

fn pop(queue: &Mutex<VecDeque<usize>>) -> Option<usize> {
    queue
        .lock()
        .unwrap_or_else(|err| err.into_inner())
        .pop_front()
}

fn error(reason: &str) -> Verification {
    Verification {
        liveness: Liveness::Error,
        detail: reason.to_owned(),
    }
}

/// Asks one question, again after a 429 or 5xx while attempts and time remain.
fn ask(question: &Question, client: &Client, options: &Options, deadline: Instant) -> Verification {
    let values = Values {
        secret: &question.secret,
        identifier: question.identifier.as_deref(),
    };
    let mut pause = FIRST_PAUSE;
    let mut attempt = 1;
    loop {
        let remaining = deadline.saturating_duration_since(Instant::now());
        if remaining.is_zero() {
            return error("the verification deadline passed before an answer");
        }
        let call = match question.verifier.call(values, sigv4::AmzTime::now()) {
            Ok(call) => call,
            Err(why) => return unknown(&why),
        };
        let answer = match client.send(&call, options.timeout.min(remaining)) {
            Ok(answer) => answer,
            Err(reason) => return error(&reason),
        };
        let status = answer.status;
        if let Some((liveness, detail)) = question.verifier.read(status, &answer.body) {
            let provider = question.verifier.provider();
            let detail = match detail {
                Some(detail) => format!("{provider} answered HTTP {status}: {detail}"),
                None => format!("{provider} answered HTTP {status}"),
            };
            return Verification { liveness, detail };
        }
        if status != 429 && status < 500 {
            return unknown(&format!("HTTP {status}, an answer that proves neither"));
        }
        let reason = if status == 429 {
            "rate limited (HTTP 429)".to_owned()
        } else {
            format!("the provider failed (HTTP {status})")
        };
        let wait = answer.retry_after.unwrap_or(pause).min(MAX_PAUSE);
        if attempt >= options.attempts || Instant::now() + wait >= deadline {
            return error(&format!("{reason}, {attempt} times"));
        }
        std::thread::sleep(wait);
        pause *= 2;
        attempt += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nothing_is_asked_once_the_deadline_has_passed() {
        let catalog = Catalog::builtin();
        let Some(Plan::Ask(verifier)) = catalog.plan("github-pat") else {
            panic!("github is verified");
        };
        let question = Question {
            verifier,
            secret: "ghp_x".to_owned(),
            identifier: None,
        };
        // Nothing listens on port 1: were the call made, the answer would be another.
        let options = Options {
            deadline: Duration::ZERO,
            via: Some("127.0.0.1:1".parse().unwrap()),
            ..Options::default()
        };
        let answers = ask_all(&[question], &options);
        assert_eq!(answers[0].liveness, Liveness::Error);
        assert_eq!(
            answers[0].detail,
            "the verification deadline passed before an answer"
        );
    }

    #[test]
    fn loopback_is_the_only_stand_in_the_environment_can_name() {
        let var = |value: &'static str| move |_: &str| Some(value.to_owned());
        assert!(Options::from_env(var("127.0.0.1:8080")).is_ok());
        assert!(Options::from_env(var("198.51.100.1:443")).is_err());
        assert_eq!(Options::from_env(|_| None).unwrap().via, None);
    }
}
