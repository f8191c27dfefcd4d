//! WebRTC signaling for web apps: `presignSignalingUrl` (usable on its own, e.g. in an edge
//! function that keeps the credentials) and `KinesisVideoClient.connectSignaling`, which goes from
//! a channel name to a signed WSS URL and ICE servers in one call.

use super::bindings::is_array;
use super::client::{
    abort_signal, call_error, credentials_error, input_rejection, start_call, Inner, KinesisVideoClient, Meta,
};
use super::convert::*;
use super::signer::{now_ms, with_keys};
use crate::model::OperationId;
use crate::prelude::*;
use crate::signaling::{self, Role, SignalingError, SignalingUrlParams};
use crate::sigv4::{AmzDate, Credentials, MAX_EXPIRES};
use alloc::rc::Rc;
use js_sys::{Array, Object, Promise};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::{future_to_promise, JsFuture};
use web_sys::AbortSignal;

fn role(args: &Fields) -> Result<Role, JsValue> {
    let role = args.get("role")?.as_string().and_then(|s| Role::parse(&s));
    role.ok_or_else(|| args.fail("role", "must be \"MASTER\" or \"VIEWER\""))
}

fn expires(args: &Fields) -> Result<u32, JsValue> {
    let range = (1.0, f64::from(MAX_EXPIRES));
    let expires = args.number("expiresIn", range, true, "must be an integer from 1 to 604800 (seconds)")?;
    Ok(expires.map_or(signaling::DEFAULT_EXPIRES, |n| n as u32))
}

fn signaling_error(e: SignalingError) -> JsValue {
    type_error(&field("args", e.field()), e.problem())
}

/// A presigned WSS URL for a signaling channel, the same the KVS WebRTC SDKs compute.
#[wasm_bindgen(js_name = presignSignalingUrl)]
pub fn presign_signaling_url(args: JsValue) -> Result<String, JsValue> {
    let args = Fields::of(args, "args")?;
    let endpoint = args.string("endpoint")?;
    let channel_arn = args.string("channelArn")?;
    let role = role(&args)?;
    let client_id = args.optional_string("clientId")?;
    let creds = args.credentials("credentials")?;
    let region = args.string("region")?;
    let expires_in = expires(&args)?;
    let ms = args.date_ms("signingDate")?.unwrap_or_else(now_ms);
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

fn string_at(v: &JsValue, path: &[&'static str]) -> Option<String> {
    path.iter().fold(v.clone(), |cur, key| get(&cur, key)).as_string()
}

fn array_at(v: &JsValue, key: &'static str) -> Array {
    let a = get(v, key);
    if is_array(&a).unwrap_or(false) {
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
    nat: Nat,
    expires_in: u32,
}

/// `natTraversal`: which ICE servers to hand out.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Nat {
    StunTurn,
    TurnOnly,
    Disabled,
}

fn connect_args(args: JsValue) -> Result<ConnectArgs, JsValue> {
    let args = Fields::of(args, "args")?;
    let channel_arn = args.optional_string("channelArn")?;
    let channel_name = args.optional_string("channelName")?;
    if channel_arn.is_none() && channel_name.is_none() {
        return Err(type_error("args", "one of channelName, channelArn is required"));
    }
    let role = role(&args)?;
    let client_id = args.optional_string("clientId")?;
    signaling::check_client_id(role, client_id.as_deref()).map_err(signaling_error)?;
    let nat = match args.optional_string("natTraversal")?.as_deref() {
        None | Some("STUN_TURN") => Nat::StunTurn,
        Some("TURN_ONLY") => Nat::TurnOnly,
        Some("DISABLED") => Nat::Disabled,
        Some(_) => return Err(args.fail("natTraversal", "must be \"STUN_TURN\", \"TURN_ONLY\" or \"DISABLED\"")),
    };
    let expires_in = expires(&args)?;
    Ok(ConnectArgs { channel_arn, channel_name, role, client_id, nat, expires_in })
}

/// The channel's WSS and HTTPS endpoints from a GetSignalingChannelEndpoint output.
struct Endpoints {
    wss: String,
    https: String,
}

fn deserialization(message: &str) -> JsValue {
    call_error("DeserializationError", message, "client", &Meta::NONE)
}

/// The steps of `connectSignaling`. Each is a plain function (kept out of line): the async body
/// only awaits their promises, which keeps its state machine small.
struct Connect {
    inner: Rc<Inner>,
    args: ConnectArgs,
    signal: Option<AbortSignal>,
}

impl Connect {
    #[inline(never)]
    fn describe_channel(&self) -> Promise {
        let name = JsValue::from_str(self.args.channel_name.as_deref().unwrap_or_default());
        let input = object(&[("ChannelName", &name)]);
        start_call(&self.inner, OperationId::DescribeSignalingChannel.operation(), &input, self.signal.clone())
    }

    #[inline(never)]
    fn get_endpoints(&self, arn: &str) -> Promise {
        let s = JsValue::from_str;
        let protocols: JsValue = Array::of2(&s("WSS"), &s("HTTPS")).into();
        let config = object(&[("Protocols", &protocols), ("Role", &s(self.args.role.as_str()))]);
        let input = object(&[("ChannelARN", &s(arn)), ("SingleMasterChannelEndpointConfiguration", &config)]);
        start_call(&self.inner, OperationId::GetSignalingChannelEndpoint.operation(), &input, self.signal.clone())
    }

    /// GetIceServerConfig at the channel's HTTPS endpoint, signed with `creds`.
    #[inline(never)]
    fn get_ice_config(&self, arn: &str, endpoints: &Endpoints, creds: Credentials) -> Result<Promise, JsValue> {
        let data_plane = Rc::new(self.inner.signaling(&endpoints.https, creds).map_err(deserialization)?);
        let client_id = self.args.client_id.as_deref().map_or(JsValue::UNDEFINED, JsValue::from_str);
        let input = object(&[
            ("ChannelARN", &JsValue::from_str(arn)),
            ("ClientId", &client_id),
            ("Service", &JsValue::from_str("TURN")),
        ]);
        Ok(start_call(&data_plane, OperationId::GetIceServerConfig.operation(), &input, self.signal.clone()))
    }

    /// The result: the presigned WSS URL, and the ICE servers (STUN from the partition unless
    /// TURN_ONLY, TURN from `ice_config` unless DISABLED).
    #[inline(never)]
    fn finish(
        &self,
        arn: &str,
        endpoints: &Endpoints,
        creds: &Credentials,
        ice_config: Option<JsValue>,
    ) -> Result<JsValue, JsValue> {
        let params = SignalingUrlParams {
            endpoint: &endpoints.wss,
            channel_arn: arn,
            role: self.args.role,
            client_id: self.args.client_id.as_deref(),
            credentials: creds,
            region: &self.inner.region,
            expires_in: self.args.expires_in,
            // Signed with the clock corrected by the service's answers, like every call.
            time: AmzDate::from_epoch_millis(self.inner.now()),
        };
        let wss_url = with_keys(|keys| signaling::presign_signaling_url(keys, &params)).map_err(|e| {
            let message = field_message(&field("args", e.field()), e.problem());
            call_error("ValidationError", &message, "client", &Meta::NONE)
        })?;
        let s = JsValue::from_str;
        let ice = Array::new();
        if let (Nat::StunTurn, Some(stun)) = (self.args.nat, &self.inner.stun) {
            ice.push(&object(&[("urls", &s(stun))]));
        }
        if let Some(config) = ice_config {
            for server in array_at(&config, "IceServerList").iter() {
                let urls: JsValue = array_at(&server, "Uris").into();
                let (user, pass) = (get(&server, "Username"), get(&server, "Password"));
                ice.push(&object(&[("urls", &urls), ("username", &user), ("credential", &pass)]));
            }
        }
        let ice: JsValue = ice.into();
        Ok(object(&[
            ("channelArn", &s(arn)),
            ("wssUrl", &s(&wss_url)),
            ("httpsEndpoint", &s(&endpoints.https)),
            ("iceServers", &ice),
        ]))
    }
}

#[inline(never)]
fn channel_arn(describe_output: &JsValue) -> Result<String, JsValue> {
    string_at(describe_output, &["ChannelInfo", "ChannelARN"]).ok_or_else(|| deserialization("the channel has no ARN"))
}

#[inline(never)]
fn endpoints(output: &JsValue) -> Result<Endpoints, JsValue> {
    let (mut wss, mut https) = (None, None);
    for e in array_at(output, "ResourceEndpointList").iter() {
        let endpoint = string_at(&e, &["ResourceEndpoint"]);
        match string_at(&e, &["Protocol"]).as_deref() {
            Some("WSS") => wss = endpoint,
            Some("HTTPS") => https = endpoint,
            _ => {}
        }
    }
    match (wss, https) {
        (Some(wss), Some(https)) => Ok(Endpoints { wss, https }),
        _ => Err(deserialization("no WSS and HTTPS endpoints for the channel")),
    }
}

async fn connect(c: Connect) -> Result<JsValue, JsValue> {
    let arn = match &c.args.channel_arn {
        Some(arn) => arn.clone(),
        None => channel_arn(&JsFuture::from(c.describe_channel()).await?)?,
    };
    let endpoints = endpoints(&JsFuture::from(c.get_endpoints(&arn)).await?)?;
    let creds = c.inner.credentials(c.signal.as_ref()).await.map_err(credentials_error)?;
    let ice_config = match c.args.nat {
        Nat::Disabled => None,
        _ => Some(JsFuture::from(c.get_ice_config(&arn, &endpoints, creds.clone())?).await?),
    };
    c.finish(&arn, &endpoints, &creds, ice_config)
}

#[wasm_bindgen]
impl KinesisVideoClient {
    /// Channel name or ARN → ARN, WSS and HTTPS endpoints for the role, a presigned WSS URL and
    /// the ICE servers (STUN unless TURN_ONLY, TURN unless DISABLED).
    #[wasm_bindgen(js_name = connectSignaling)]
    pub fn connect_signaling(&self, args: JsValue, options: JsValue) -> Promise {
        match connect_args(args).and_then(|args| Ok((args, abort_signal(&options)?))) {
            Ok((args, signal)) => future_to_promise(connect(Connect { inner: self.inner.clone(), args, signal })),
            Err(e) => input_rejection(e),
        }
    }
}
