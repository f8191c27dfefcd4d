//! The KVS WebRTC signaling WebSocket URL: a SigV4 presigned `GET` of the channel's WSS endpoint
//! with `X-Amz-ChannelARN` (and `X-Amz-ClientId` for viewers), the session token signed in.
//! Pure Rust, tested natively.

use crate::prelude::*;
use crate::sigv4::{
    self, AmzDate, Credentials, PathNormalization, SessionTokenMode, SignableRequest, SigningError, SigningKeyCache,
    SigningParams, SigningSettings,
};

/// Lifetime of a signaling URL when none is given: what the KVS SDKs use.
pub const DEFAULT_EXPIRES: u32 = 299;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    Master,
    Viewer,
}

impl Role {
    pub fn parse(s: &str) -> Option<Role> {
        match s {
            "MASTER" => Some(Role::Master),
            "VIEWER" => Some(Role::Viewer),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Master => "MASTER",
            Role::Viewer => "VIEWER",
        }
    }
}

pub struct SignalingUrlParams<'a> {
    pub endpoint: &'a str,
    pub channel_arn: &'a str,
    pub role: Role,
    pub client_id: Option<&'a str>,
    pub credentials: &'a Credentials,
    pub region: &'a str,
    pub expires_in: u32,
    pub time: AmzDate,
}

/// Why a signaling URL could not be made; [`SignalingError::field`] names the input.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SignalingError {
    Endpoint(&'static str),
    ChannelArn(&'static str),
    ClientId(&'static str),
    Signing(SigningError),
}

impl SignalingError {
    pub fn field(&self) -> &'static str {
        match self {
            SignalingError::Endpoint(_) => "endpoint",
            SignalingError::ChannelArn(_) => "channelArn",
            SignalingError::ClientId(_) => "clientId",
            SignalingError::Signing(e) => e.field.name(),
        }
    }

    pub fn problem(&self) -> &'static str {
        match self {
            SignalingError::Endpoint(p) | SignalingError::ChannelArn(p) | SignalingError::ClientId(p) => p,
            SignalingError::Signing(e) => e.problem.message(),
        }
    }
}

const NOT_WSS: SignalingError = SignalingError::Endpoint("must be a wss:// (or ws://) URL");

/// Checks a viewer's client id the way the service does.
pub fn check_client_id(role: Role, client_id: Option<&str>) -> Result<(), SignalingError> {
    let problem = match (role, client_id) {
        (Role::Viewer, None) => "is required for the VIEWER role",
        (Role::Master, Some(_)) => "must not be set for the MASTER role (a channel has one master)",
        (_, Some(id)) if id.is_empty() || crate::text::code_points(id) > 256 => "must be 1 to 256 characters",
        (_, Some(id)) if id.starts_with("AWS_") => "must not start with AWS_",
        _ => return Ok(()),
    };
    Err(SignalingError::ClientId(problem))
}

/// The presigned `wss://` URL. The path is signed as written (not normalized), and the query
/// parameters, `X-Amz-Signature` included, come out sorted by name, exactly as the KVS WebRTC
/// SDKs build it.
pub fn presign_signaling_url(keys: &mut SigningKeyCache, p: &SignalingUrlParams) -> Result<String, SignalingError> {
    let parts = sigv4::UrlParts::parse(p.endpoint).map_err(|_| NOT_WSS)?;
    if !parts.scheme.eq_ignore_ascii_case("wss") && !parts.scheme.eq_ignore_ascii_case("ws") {
        return Err(NOT_WSS);
    }
    if p.endpoint.bytes().any(|b| b == b'?' || b == b'#') {
        return Err(SignalingError::Endpoint("must not have a query string or a fragment"));
    }
    if p.channel_arn.is_empty() {
        return Err(SignalingError::ChannelArn("must be a non-empty string"));
    }
    check_client_id(p.role, p.client_id)?;

    // The channel ARN and client id ride in the URL's own query, so they are signed.
    let mut url = String::from(p.endpoint);
    url.push_str("?X-Amz-ChannelARN=");
    sigv4::encode_strict(p.channel_arn.as_bytes(), &mut url);
    if let Some(id) = p.client_id {
        url.push_str("&X-Amz-ClientId=");
        sigv4::encode_strict(id.as_bytes(), &mut url);
    }
    let req = SignableRequest { method: "GET", url: &url, headers: &[], body: b"" };
    let settings = SigningSettings {
        path_normalization: PathNormalization::Disabled,
        session_token: SessionTokenMode::Signed,
        ..SigningSettings::default()
    };
    let params =
        SigningParams { credentials: p.credentials, region: p.region, service: "kinesisvideo", time: p.time, settings };
    let mut query = sigv4::presign(keys, &req, &params, p.expires_in).map_err(SignalingError::Signing)?.instructions;
    // The KVS SDKs write every parameter, the signature too, in sorted order.
    query.signed.append(&mut query.unsigned);
    sigv4::presigned_url(&url, &query).map_err(SignalingError::Signing)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn creds(token: Option<&str>) -> Credentials {
        Credentials {
            access_key_id: "AKIDEXAMPLE".into(),
            secret_access_key: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY".into(),
            session_token: token.map(String::from),
        }
    }

    fn url(role: Role, client_id: Option<&str>, token: Option<&str>) -> Result<String, SignalingError> {
        let c = creds(token);
        presign_signaling_url(
            &mut SigningKeyCache::new(),
            &SignalingUrlParams {
                endpoint: "wss://v-1a2b3c4d.kinesisvideo.us-west-2.amazonaws.com",
                channel_arn: "arn:aws:kinesisvideo:us-west-2:123456789012:channel/demo/1705489836421",
                role,
                client_id,
                credentials: &c,
                region: "us-west-2",
                expires_in: DEFAULT_EXPIRES,
                time: AmzDate::from_epoch_seconds(1_705_489_836),
            },
        )
    }

    #[test]
    fn viewer_url_has_sorted_signed_query() {
        let u = url(Role::Viewer, Some("viewer-1"), Some("tok/en+")).unwrap();
        assert!(u.starts_with("wss://v-1a2b3c4d.kinesisvideo.us-west-2.amazonaws.com/?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-ChannelARN=arn%3Aaws%3Akinesisvideo%3Aus-west-2%3A123456789012%3Achannel%2Fdemo%2F1705489836421&X-Amz-ClientId=viewer-1&X-Amz-Credential=AKIDEXAMPLE%2F20240117%2Fus-west-2%2Fkinesisvideo%2Faws4_request&X-Amz-Date=20240117T111036Z&X-Amz-Expires=299&X-Amz-Security-Token=tok%2Fen%2B&X-Amz-Signature="), "{u}");
        assert!(u.ends_with("&X-Amz-SignedHeaders=host"), "{u}");
    }

    #[test]
    fn roles_and_client_ids() {
        assert!(url(Role::Master, None, None).unwrap().contains("X-Amz-ChannelARN="));
        assert!(!url(Role::Master, None, None).unwrap().contains("X-Amz-ClientId"));
        assert_eq!(
            url(Role::Viewer, None, None).unwrap_err(),
            SignalingError::ClientId("is required for the VIEWER role")
        );
        assert_eq!(url(Role::Viewer, None, None).unwrap_err().field(), "clientId");
        assert!(url(Role::Master, Some("x"), None).is_err());
        assert!(url(Role::Viewer, Some("AWS_x"), None).is_err());
        assert!(url(Role::Viewer, Some(""), None).is_err());
        let c = creds(None);
        let with_fragment = SignalingUrlParams {
            endpoint: "wss://v-1a2b3c4d.kinesisvideo.us-west-2.amazonaws.com/#x",
            channel_arn: "arn",
            role: Role::Master,
            client_id: None,
            credentials: &c,
            region: "us-west-2",
            expires_in: DEFAULT_EXPIRES,
            time: AmzDate::from_epoch_seconds(0),
        };
        assert!(presign_signaling_url(&mut SigningKeyCache::new(), &with_fragment).is_err());
        assert_eq!(Role::parse("VIEWER"), Some(Role::Viewer));
        assert_eq!(Role::parse("viewer"), None);
    }
}
