//! Traces: every request, database query and scheduled job is a `tracing` span; the
//! OpenTelemetry layer gives each a trace id (taken from the caller's `traceparent`
//! when there is one), which the request's log lines carry, and sends the spans by
//! OTLP over HTTP/protobuf when `OTEL_EXPORTER_OTLP_ENDPOINT` (or
//! `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`) is set. The exporter reads the other standard
//! `OTEL_*` variables itself (headers, timeout, batch sizes).

use opentelemetry::trace::TracerProvider as _;
use opentelemetry_sdk::Resource;
use opentelemetry_sdk::propagation::TraceContextPropagator;
use opentelemetry_sdk::trace::SdkTracerProvider;
use opentelemetry_sdk::trace::span_processor_with_async_runtime::BatchSpanProcessor;

/// The tracer provider, kept so the spans still waiting are sent before the process
/// ends.
pub struct Traces {
    provider: SdkTracerProvider,
    exporting: bool,
}

impl Traces {
    /// A provider sending spans to the configured OTLP endpoint, or keeping them to
    /// itself (ids only, for the logs) when none is configured.
    pub fn start(endpoint: Option<&str>) -> Result<Self, String> {
        opentelemetry::global::set_text_map_propagator(TraceContextPropagator::new());
        let resource = Resource::builder().with_service_name("goats").build();
        let mut builder = SdkTracerProvider::builder().with_resource(resource);
        if endpoint.is_some() {
            let exporter = opentelemetry_otlp::SpanExporter::builder()
                .with_http()
                .build()
                .map_err(|e| format!("the OTLP exporter cannot start: {e}"))?;
            // The exporter's HTTP client runs on tokio, so its batches are sent from a
            // task of the runtime rather than the SDK's own thread.
            let batches = BatchSpanProcessor::builder(exporter, opentelemetry_sdk::runtime::Tokio).build();
            builder = builder.with_span_processor(batches);
        }
        Ok(Self { provider: builder.build(), exporting: endpoint.is_some() })
    }

    pub fn tracer(&self) -> opentelemetry_sdk::trace::Tracer {
        self.provider.tracer("goats")
    }

    pub fn exporting(&self) -> bool {
        self.exporting
    }

    /// Sends what is waiting; spans made after this are dropped.
    pub fn shutdown(&self) {
        if self.exporting
            && let Err(e) = self.provider.shutdown()
        {
            eprintln!("goats: the last traces could not be sent: {e}");
        }
    }
}

/// The endpoint the standard variables name, if any. What goats cannot send to is
/// refused here, at start, rather than failing batch after batch in the log: gRPC
/// (`OTEL_EXPORTER_OTLP_PROTOCOL=grpc`) and `https://` endpoints, for which a collector
/// beside goats receives over plain HTTP and forwards.
pub fn endpoint_from_env() -> Result<Option<String>, String> {
    let var = |keys: [&str; 2]| keys.into_iter().find_map(|k| std::env::var(k).ok().filter(|v| !v.trim().is_empty()));
    let protocol = var(["OTEL_EXPORTER_OTLP_TRACES_PROTOCOL", "OTEL_EXPORTER_OTLP_PROTOCOL"]);
    if let Some(p) = protocol.filter(|p| p.trim() != "http/protobuf") {
        return Err(format!(
            "OTEL_EXPORTER_OTLP_PROTOCOL {p} is not one goats sends: it sends traces as http/protobuf (a collector's port 4318)"
        ));
    }
    let endpoint = var(["OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "OTEL_EXPORTER_OTLP_ENDPOINT"]);
    if let Some(e) = endpoint.as_deref().filter(|e| !e.trim().to_ascii_lowercase().starts_with("http://")) {
        return Err(format!(
            "OTEL_EXPORTER_OTLP_ENDPOINT {e} must be an http:// URL: goats sends traces over plain HTTP, to a collector \
             beside it that forwards them over TLS"
        ));
    }
    Ok(endpoint)
}
