//! Sending a verifier's call: HTTPS to the verifier's own host, no redirects, a
//! bounded answer. Failures are described in fixed words, so that no error text of the
//! HTTP stack (which may quote the request) can carry a secret into a report.

use std::io::Read;
use std::net::SocketAddr;
use std::time::Duration;

use ureq::RequestExt;

use super::catalog::Call;

/// The environment variable that sends every verifier's call to a loopback address
/// instead, over plain HTTP, with the verifier's host in the `Host` header: how the
/// tests put a mock provider in place. Only loopback addresses are accepted, so found
/// secrets can never leave the machine through it; nothing in a scanned repository
/// can set a process's environment.
pub const VIA_LOOPBACK: &str = "KEYSCAN_VERIFY_VIA";

/// Most bytes of an answer read: enough for any verdict the catalog looks for.
const MAX_ANSWER: u64 = 64 * 1024;

/// What a provider answered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answer {
    /// The HTTP status.
    pub status: u16,
    /// The body, at most [`MAX_ANSWER`] bytes of it.
    pub body: Vec<u8>,
    /// How long the provider asks to wait before asking again (`Retry-After` in
    /// seconds), on a 429 or 503.
    pub retry_after: Option<Duration>,
}

/// Sends calls.
pub struct Client {
    agent: ureq::Agent,
    via: Option<SocketAddr>,
}

impl Client {
    /// A client that sends calls to their hosts, or all of them to `via`, a loopback
    /// address ([`VIA_LOOPBACK`]).
    /// Calls to the providers go through the proxy the environment names
    /// (`HTTPS_PROXY`, `ALL_PROXY`, less `NO_PROXY`), as other tools' do; calls to
    /// `via` never do.
    pub fn new(via: Option<SocketAddr>) -> Client {
        let mut config = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .max_redirects(0)
            .user_agent(concat!("keyscan/", env!("CARGO_PKG_VERSION")));
        if via.is_some() {
            config = config.proxy(None);
        }
        let agent = config.build().new_agent();
        Client { agent, via }
    }

    /// The loopback address `value` names, for [`VIA_LOOPBACK`]; an error for anything
    /// that is not one.
    pub fn loopback(value: &str) -> Result<SocketAddr, String> {
        match value.parse::<SocketAddr>() {
            Ok(address) if address.ip().is_loopback() => Ok(address),
            _ => Err(format!(
                "{VIA_LOOPBACK}={value:?}: only a loopback address and port (127.0.0.1:8080) \
                 is accepted"
            )),
        }
    }

    /// Sends `call`, waiting at most `timeout` for the whole exchange.
    pub fn send(&self, call: &Call, timeout: Duration) -> Result<Answer, String> {
        let url = match self.via {
            Some(via) => format!("http://{via}{}", call.path_and_query),
            None => format!("https://{}{}", call.host, call.path_and_query),
        };
        let mut headers = call.headers.clone();
        if self.via.is_some() {
            headers.push(("Host".to_owned(), call.host.clone()));
        }
        let mut request = ureq::http::Request::builder()
            .method(call.method.as_str())
            .uri(&url);
        for (name, value) in &headers {
            request = request.header(name, value);
        }
        let request = request
            .body(&call.body[..])
            .map_err(|_| "the request could not be built".to_owned())?;
        let result = request
            .with_agent(&self.agent)
            .configure()
            .timeout_global(Some(timeout))
            .run();
        let mut response = result.map_err(|err| failure(&err))?;
        let status = response.status().as_u16();
        let retry_after = response
            .headers()
            .get("retry-after")
            .and_then(|value| value.to_str().ok())
            .and_then(|value| value.trim().parse::<u64>().ok())
            .map(Duration::from_secs);
        let mut body = Vec::new();
        response
            .body_mut()
            .as_reader()
            .take(MAX_ANSWER)
            .read_to_end(&mut body)
            .map_err(|_| "the answer was cut off".to_owned())?;
        Ok(Answer {
            status,
            body,
            retry_after,
        })
    }
}

/// What went wrong, in fixed words: never the HTTP stack's own text, which could
/// quote the request. An I/O error adds its kind ("connection refused", "network
/// unreachable"), a fixed word of the standard library's; a name the resolver could
/// not look up is said so.
fn failure(err: &ureq::Error) -> String {
    const NOT_FOUND: &str = "the host was not found (no network?)";
    match err {
        ureq::Error::Timeout(_) => "timed out".to_owned(),
        ureq::Error::HostNotFound => NOT_FOUND.to_owned(),
        ureq::Error::ConnectionFailed => "could not connect (no network?)".to_owned(),
        // The standard library's resolver reports a failed lookup with this text and no
        // kind of its own.
        ureq::Error::Io(err) if err.to_string().starts_with("failed to lookup address") => {
            NOT_FOUND.to_owned()
        }
        ureq::Error::Io(err) => format!("the connection failed: {}", err.kind()),
        ureq::Error::Tls(_) | ureq::Error::Rustls(_) => "the TLS handshake failed".to_owned(),
        _ => "the request failed".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn failures_are_said_in_fixed_words() {
        let io = |err: std::io::Error| failure(&ureq::Error::Io(err));
        let lookup =
            std::io::Error::other("failed to lookup address information: Temporary failure");
        assert_eq!(io(lookup), "the host was not found (no network?)");
        let refused = std::io::Error::new(std::io::ErrorKind::ConnectionRefused, "secret-ish text");
        assert_eq!(io(refused), "the connection failed: connection refused");
        assert_eq!(
            failure(&ureq::Error::HostNotFound),
            "the host was not found (no network?)"
        );
    }

    #[test]
    fn only_loopback_addresses_stand_in_for_providers() {
        assert!(Client::loopback("127.0.0.1:8080").is_ok());
        assert!(Client::loopback("[::1]:8080").is_ok());
        for value in ["10.0.0.1:80", "example.com:80", "0.0.0.0:80", "127.0.0.1"] {
            assert!(Client::loopback(value).is_err(), "{value}");
        }
    }
}
