//! WebRTC signaling for web apps: `presignSignalingUrl` (usable on its own, e.g. in an edge
//! function that keeps the credentials) and `KinesisVideoClient.connectSignaling`, which goes from
//! a channel name to a signed WSS URL and ICE servers in one call.

use super::bindings::Fields;
use super::client::{abort_signal, call_error, CredentialsFailure, KinesisVideoClient, Meta};
use super::convert::*;
use super::signer::{credentials, now_ms, with_key_cache};
use crate::model;
use crate::prelude::*;
use crate::signaling::{self, Role, SignalingUrlParams};
use crate::sigv4::{AmzDate, MAX_EXPIRES};
use crate::text;
use js_sys::{Array, Object, Promise};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::future_to_promise;

#[wasm_bindgen(typescript_custom_section)]
const SIGNALING_TS: &'static str = r#"
export type SignalingRole = "MASTER" | "VIEWER";
export interface PresignSignalingUrlArgs {
  /** The WSS ResourceEndpoint from GetSignalingChannelEndpoint. */
  endpoint: string;
  channelArn: string;
  role: SignalingRole;
  /** Required for VIEWER; not allowed for MASTER. */
  clientId?: string;
  credentials: Credentials;
  region: string;
  /** Seconds, default 299. */
  expiresIn?: number;
  signingDate?: Date;
}
export interface ConnectSignalingArgs {
  channelName?: string;
  channelArn?: string;
  role: SignalingRole;
  /** Required for VIEWER. */
  clientId?: string;
  /** Default STUN_TURN. */
  natTraversal?: "STUN_TURN" | "TURN_ONLY" | "DISABLED";
  /** Lifetime of the WSS URL in seconds, default 299. */
  expiresIn?: number;
}
export interface SignalingConnection {
  channelArn: string;
  /** Presigned: open it with `new WebSocket(wssUrl)`. */
  wssUrl: string;
  /** For KinesisVideoSignalingClient (getIceServerConfig, sendAlexaOfferToMaster). */
  httpsEndpoint: string;
  /** Ready for `new RTCPeerConnection({ iceServers })`. */
  iceServers: { urls: string | string[]; username?: string; credential?: string }[];
}
export interface KinesisVideoClient {
  connectSignaling(args: ConnectSignalingArgs, options?: CallOptions): Promise<SignalingConnection>;
}
"#;

fn role(v: JsValue, path: &str) -> Result<Role, JsValue> {
    v.as_string().and_then(|s| Role::parse(&s)).ok_or_else(|| type_error(path, "must be \"MASTER\" or \"VIEWER\""))
}

fn expires(v: JsValue, path: &str) -> Result<u32, JsValue> {
    Ok(optional_int(v, path, 1.0, MAX_EXPIRES as f64, "must be an integer from 1 to 604800 (seconds)")?
        .map_or(signaling::DEFAULT_EXPIRES, |n| n as u32))
}

/// A presigned WSS URL for a signaling channel, the same the KVS WebRTC SDKs compute.
#[wasm_bindgen(js_name = presignSignalingUrl)]
pub fn presign_signaling_url(
    #[wasm_bindgen(unchecked_param_type = "PresignSignalingUrlArgs")] args: JsValue,
) -> Result<String, JsValue> {
    let args = required_object(args, "args")?;
    let a: &Fields = args.unchecked_ref();
    let endpoint = required_string(get(&args, "endpoint"), "args.endpoint")?;
    let channel_arn = required_string(get(&args, "channelArn"), "args.channelArn")?;
    let role = role(get(&args, "role"), "args.role")?;
    let client_id = optional_string(get(&args, "clientId"), "args.clientId")?;
    let creds = credentials(&a.credentials(), "args.credentials")?;
    let region = required_string(a.region(), "args.region")?;
    let expires_in = expires(a.expires_in(), "args.expiresIn")?;
    let ms = optional_date_ms(a.signing_date(), "args.signingDate")?.unwrap_or_else(now_ms);
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
    with_key_cache(|cache| signaling::presign_signaling_url(cache, &params)).map_err(|m| {
        let (field, problem) = text::split_once(m, b':').map_or(("args", m), |(f, p)| (f, text::trim_start(p, b' ')));
        let mut path = String::from("args.");
        path.push_str(field);
        type_error(&path, problem)
    })
}

fn op(name: &str) -> Result<&'static model::Operation, JsValue> {
    model::operation(name).ok_or_else(|| error("Error", "operation missing from the model"))
}

fn string_at(v: &JsValue, path: &[&str]) -> Option<String> {
    let mut cur = v.clone();
    for key in path {
        cur = get(&cur, key);
    }
    cur.as_string()
}

fn array_at(v: &JsValue, key: &str) -> Array {
    let a = get(v, key);
    if Array::is_array(&a) {
        a.unchecked_into()
    } else {
        Array::new()
    }
}

fn push_json_field(json: &mut String, key: &str, value: &str) {
    if json.len() > 1 {
        json.push(',');
    }
    push_json_string(key, json);
    json.push(':');
    push_json_string(value, json);
}

#[wasm_bindgen]
impl KinesisVideoClient {
    /// Channel name or ARN → ARN, WSS and HTTPS endpoints for the role, a presigned WSS URL and
    /// the ICE servers (STUN unless TURN_ONLY, TURN unless DISABLED).
    #[wasm_bindgen(js_name = connectSignaling, skip_typescript)]
    pub fn connect_signaling(&self, args: JsValue, options: JsValue) -> Promise {
        let parsed = (|| -> Result<_, JsValue> {
            let args = required_object(args, "args")?;
            let a: &Fields = args.unchecked_ref();
            let arn = optional_string(get(&args, "channelArn"), "args.channelArn")?;
            let name = optional_string(get(&args, "channelName"), "args.channelName")?;
            if arn.is_none() && name.is_none() {
                return Err(type_error("args", "one of channelName, channelArn is required"));
            }
            let role = role(get(&args, "role"), "args.role")?;
            let client_id = optional_string(get(&args, "clientId"), "args.clientId")?;
            signaling::check_client_id(role, client_id.as_deref()).map_err(|m| {
                let problem = text::split_once(m, b':').map_or(m, |(_, p)| text::trim_start(p, b' '));
                type_error("args.clientId", problem)
            })?;
            let nat =
                optional_string(get(&args, "natTraversal"), "args.natTraversal")?.unwrap_or_else(|| "STUN_TURN".into());
            if !matches!(nat.as_str(), "STUN_TURN" | "TURN_ONLY" | "DISABLED") {
                return Err(type_error("args.natTraversal", "must be \"STUN_TURN\", \"TURN_ONLY\" or \"DISABLED\""));
            }
            let expires_in = expires(a.expires_in(), "args.expiresIn")?;
            Ok((arn, name, role, client_id, nat, expires_in))
        })();
        let (arn, name, role, client_id, nat, expires_in) = match parsed {
            Ok(p) => p,
            Err(e) => return Promise::reject(&e),
        };
        let signal = abort_signal(&options);
        let inner = self.inner.clone();
        future_to_promise(async move {
            let no_meta = Meta { status: None, request_id: None, attempts: 0, total_delay: 0.0 };
            let channel_arn = match arn {
                Some(a) => a,
                None => {
                    let mut body = String::from("{");
                    push_json_field(&mut body, "ChannelName", name.as_deref().unwrap_or_default());
                    body.push('}');
                    let out = inner.send(op("DescribeSignalingChannel")?, body, signal.clone()).await?;
                    string_at(&out, &["ChannelInfo", "ChannelARN"]).ok_or_else(|| {
                        call_error("DeserializationError", "the channel has no ARN", "client", &no_meta)
                    })?
                }
            };

            let mut body = String::from("{");
            push_json_field(&mut body, "ChannelARN", &channel_arn);
            body.push_str(",\"SingleMasterChannelEndpointConfiguration\":{\"Protocols\":[\"WSS\",\"HTTPS\"],\"Role\":");
            push_json_string(role.as_str(), &mut body);
            body.push_str("}}");
            let out = inner.send(op("GetSignalingChannelEndpoint")?, body, signal.clone()).await?;
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
                return Err(call_error(
                    "DeserializationError",
                    "no WSS and HTTPS endpoints for the channel",
                    "client",
                    &no_meta,
                ));
            };

            let creds = match inner.credentials(signal.as_ref()).await {
                Ok(c) => c,
                Err(CredentialsFailure::Aborted) => {
                    return Err(call_error("AbortError", "the call was aborted", "client", &no_meta))
                }
                Err(CredentialsFailure::Failed(m)) => {
                    return Err(call_error("CredentialsProviderError", &m, "client", &no_meta))
                }
            };
            let params = SignalingUrlParams {
                endpoint: &wss,
                channel_arn: &channel_arn,
                role,
                client_id: client_id.as_deref(),
                credentials: &creds,
                region: &inner.region,
                expires_in,
                // Signed with the clock corrected by the service's answers, like every call.
                time: AmzDate::from_epoch_millis(inner.now()),
            };
            let wss_url = with_key_cache(|cache| signaling::presign_signaling_url(cache, &params))
                .map_err(|m| call_error("ValidationError", m, "client", &no_meta))?;

            let ice = Array::new();
            if nat == "STUN_TURN" {
                if let Some(stun) = &inner.stun {
                    let s = Object::new();
                    set(&s, "urls", &JsValue::from_str(stun));
                    ice.push(&s);
                }
            }
            if nat != "DISABLED" {
                let data_plane = inner
                    .signaling(&https, creds)
                    .map_err(|m| call_error("DeserializationError", m, "client", &no_meta))?;
                let mut body = String::from("{");
                push_json_field(&mut body, "ChannelARN", &channel_arn);
                if let Some(id) = &client_id {
                    push_json_field(&mut body, "ClientId", id);
                }
                push_json_field(&mut body, "Service", "TURN");
                body.push('}');
                let out = data_plane.send(op("GetIceServerConfig")?, body, signal).await?;
                for server in array_at(&out, "IceServerList").iter() {
                    let s = Object::new();
                    set(&s, "urls", &array_at(&server, "Uris"));
                    set(&s, "username", &get(&server, "Username"));
                    set(&s, "credential", &get(&server, "Password"));
                    ice.push(&s);
                }
            }

            let result = Object::new();
            set(&result, "channelArn", &JsValue::from_str(&channel_arn));
            set(&result, "wssUrl", &JsValue::from_str(&wss_url));
            set(&result, "httpsEndpoint", &JsValue::from_str(&https));
            set(&result, "iceServers", &ice);
            Ok(result.into())
        })
    }
}
