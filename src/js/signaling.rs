//! WebRTC signaling for web apps: `presignSignalingUrl` (usable on its own, e.g. in an edge
//! function that keeps the credentials) and `KinesisVideoClient.connectSignaling`, which goes from
//! a channel name to a signed WSS URL and ICE servers in one call.

use super::client::{abort_signal, aborted, call_error, CredentialsFailure, KinesisVideoClient, Meta};
use super::convert::*;
use super::signer::{now_ms, with_keys};
use crate::model::OperationId;
use crate::prelude::*;
use crate::signaling::{self, Role, SignalingError, SignalingUrlParams};
use crate::sigv4::{AmzDate, MAX_EXPIRES};
use js_sys::{Array, Object, Promise};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::future_to_promise;

fn role(v: JsValue, path: &str) -> Result<Role, JsValue> {
    v.as_string().and_then(|s| Role::parse(&s)).ok_or_else(|| type_error(path, "must be \"MASTER\" or \"VIEWER\""))
}

fn expires(v: JsValue, path: &str) -> Result<u32, JsValue> {
    let range = (1.0, f64::from(MAX_EXPIRES));
    Ok(optional_number(v, path, range, true, "must be an integer from 1 to 604800 (seconds)")?
        .map_or(signaling::DEFAULT_EXPIRES, |n| n as u32))
}

fn signaling_error(e: SignalingError) -> JsValue {
    type_error(&field("args", e.field()), e.problem())
}

/// A presigned WSS URL for a signaling channel, the same the KVS WebRTC SDKs compute.
#[wasm_bindgen(js_name = presignSignalingUrl)]
pub fn presign_signaling_url(args: JsValue) -> Result<String, JsValue> {
    let args = required_object(args, "args")?;
    let endpoint = required_string(get(&args, "endpoint"), "args.endpoint")?;
    let channel_arn = required_string(get(&args, "channelArn"), "args.channelArn")?;
    let role = role(get(&args, "role"), "args.role")?;
    let client_id = optional_string(get(&args, "clientId"), "args.clientId")?;
    let creds = credentials(&get(&args, "credentials"), "args.credentials")?;
    let region = required_string(get(&args, "region"), "args.region")?;
    let expires_in = expires(get(&args, "expiresIn"), "args.expiresIn")?;
    let ms = optional_date_ms(get(&args, "signingDate"), "args.signingDate")?.unwrap_or_else(now_ms);
    let params = SignalingUrlParams {
        endpoint: &endpoint,
        channel_arn: &channel_arn,
        role,
        client_id: client_id.as_deref(),
        credentials: &creds,
        region: &region,
        expires_in,
        time: AmzDate::from_epoch_millis(ms),
    };
    with_keys(|keys| signaling::presign_signaling_url(keys, &params)).map_err(signaling_error)
}

fn string_at(v: &JsValue, path: &[&str]) -> Option<String> {
    path.iter().fold(v.clone(), |cur, key| get(&cur, key)).as_string()
}

fn array_at(v: &JsValue, key: &str) -> Array {
    let a = get(v, key);
    if Array::is_array(&a) {
        a.unchecked_into()
    } else {
        Array::new()
    }
}

/// A plain object of these members.
fn object(members: &[(&str, &JsValue)]) -> JsValue {
    let o = Object::new();
    for (k, v) in members {
        set(&o, k, v);
    }
    o.into()
}

struct ConnectArgs {
    channel_arn: Option<String>,
    channel_name: Option<String>,
    role: Role,
    client_id: Option<String>,
    nat: String,
    expires_in: u32,
}

fn connect_args(args: JsValue) -> Result<ConnectArgs, JsValue> {
    let args = required_object(args, "args")?;
    let channel_arn = optional_string(get(&args, "channelArn"), "args.channelArn")?;
    let channel_name = optional_string(get(&args, "channelName"), "args.channelName")?;
    if channel_arn.is_none() && channel_name.is_none() {
        return Err(type_error("args", "one of channelName, channelArn is required"));
    }
    let role = role(get(&args, "role"), "args.role")?;
    let client_id = optional_string(get(&args, "clientId"), "args.clientId")?;
    signaling::check_client_id(role, client_id.as_deref()).map_err(signaling_error)?;
    let nat = optional_string(get(&args, "natTraversal"), "args.natTraversal")?.unwrap_or_else(|| "STUN_TURN".into());
    if !matches!(nat.as_str(), "STUN_TURN" | "TURN_ONLY" | "DISABLED") {
        return Err(type_error("args.natTraversal", "must be \"STUN_TURN\", \"TURN_ONLY\" or \"DISABLED\""));
    }
    let expires_in = expires(get(&args, "expiresIn"), "args.expiresIn")?;
    Ok(ConnectArgs { channel_arn, channel_name, role, client_id, nat, expires_in })
}

#[wasm_bindgen]
impl KinesisVideoClient {
    /// Channel name or ARN → ARN, WSS and HTTPS endpoints for the role, a presigned WSS URL and
    /// the ICE servers (STUN unless TURN_ONLY, TURN unless DISABLED).
    #[wasm_bindgen(js_name = connectSignaling)]
    pub fn connect_signaling(&self, args: JsValue, options: JsValue) -> Promise {
        let args = match connect_args(args) {
            Ok(a) => a,
            Err(e) => return Promise::reject(&e),
        };
        let signal = abort_signal(&options);
        let inner = self.inner.clone();
        future_to_promise(async move {
            let deserialization = |m: &str| call_error("DeserializationError", m, "client", &Meta::NONE);
            let s = |v: &str| JsValue::from_str(v);
            let channel_arn = match args.channel_arn {
                Some(a) => a,
                None => {
                    let name = s(args.channel_name.as_deref().unwrap_or_default());
                    let input = object(&[("ChannelName", &name)]);
                    let out = inner.call(OperationId::DescribeSignalingChannel, &input, signal.clone()).await?;
                    string_at(&out, &["ChannelInfo", "ChannelARN"])
                        .ok_or_else(|| deserialization("the channel has no ARN"))?
                }
            };
            let arn = s(&channel_arn);

            let protocols: JsValue = Array::of2(&s("WSS"), &s("HTTPS")).into();
            let config = object(&[("Protocols", &protocols), ("Role", &s(args.role.as_str()))]);
            let input = object(&[("ChannelARN", &arn), ("SingleMasterChannelEndpointConfiguration", &config)]);
            let out = inner.call(OperationId::GetSignalingChannelEndpoint, &input, signal.clone()).await?;
            let (mut wss, mut https) = (None, None);
            for e in array_at(&out, "ResourceEndpointList").iter() {
                let endpoint = string_at(&e, &["ResourceEndpoint"]);
                match string_at(&e, &["Protocol"]).as_deref() {
                    Some("WSS") => wss = endpoint,
                    Some("HTTPS") => https = endpoint,
                    _ => {}
                }
            }
            let (Some(wss), Some(https)) = (wss, https) else {
                return Err(deserialization("no WSS and HTTPS endpoints for the channel"));
            };

            let creds = match inner.credentials(signal.as_ref()).await {
                Ok(c) => c,
                Err(CredentialsFailure::Aborted) => return Err(aborted(&Meta::NONE)),
                Err(CredentialsFailure::Failed(m)) => {
                    return Err(call_error("CredentialsProviderError", &m, "client", &Meta::NONE))
                }
            };
            let params = SignalingUrlParams {
                endpoint: &wss,
                channel_arn: &channel_arn,
                role: args.role,
                client_id: args.client_id.as_deref(),
                credentials: &creds,
                region: &inner.region,
                expires_in: args.expires_in,
                // Signed with the clock corrected by the service's answers, like every call.
                time: AmzDate::from_epoch_millis(inner.now()),
            };
            let wss_url = with_keys(|keys| signaling::presign_signaling_url(keys, &params)).map_err(|e| {
                let mut m = field("args", e.field());
                m.push_str(": ");
                m.push_str(e.problem());
                call_error("ValidationError", &m, "client", &Meta::NONE)
            })?;

            let ice = Array::new();
            if args.nat == "STUN_TURN" {
                if let Some(stun) = &inner.stun {
                    ice.push(&object(&[("urls", &s(stun))]));
                }
            }
            if args.nat != "DISABLED" {
                let data_plane = inner.signaling(&https, creds).map_err(deserialization)?;
                let client_id = args.client_id.as_deref().map_or(JsValue::UNDEFINED, s);
                let input = object(&[("ChannelARN", &arn), ("ClientId", &client_id), ("Service", &s("TURN"))]);
                let out = data_plane.call(OperationId::GetIceServerConfig, &input, signal).await?;
                for server in array_at(&out, "IceServerList").iter() {
                    let urls: JsValue = array_at(&server, "Uris").into();
                    let (user, pass) = (get(&server, "Username"), get(&server, "Password"));
                    ice.push(&object(&[("urls", &urls), ("username", &user), ("credential", &pass)]));
                }
            }

            let ice: JsValue = ice.into();
            let https = s(&https);
            let wss_url = s(&wss_url);
            Ok(object(&[("channelArn", &arn), ("wssUrl", &wss_url), ("httpsEndpoint", &https), ("iceServers", &ice)]))
        })
    }
}
