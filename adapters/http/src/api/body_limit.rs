//! Refuses request bodies over a size, declared or streamed, with 413 — before a
//! handler reads them into memory. (poem's own `SizeLimit` demands a Content-Length,
//! which would refuse every chunked or body-less request.)

use poem::http::{StatusCode, header};
use poem::{Body, Endpoint, Error, Middleware, Request, Result};

pub struct BodyLimit(pub usize);

impl<E: Endpoint> Middleware<E> for BodyLimit {
    type Output = BodyLimitEndpoint<E>;

    fn transform(&self, ep: E) -> Self::Output {
        BodyLimitEndpoint { inner: ep, max: self.0 }
    }
}

pub struct BodyLimitEndpoint<E> {
    inner: E,
    max: usize,
}

fn too_large(max: usize) -> Error {
    Error::from_string(format!("the request body is larger than {max} bytes"), StatusCode::PAYLOAD_TOO_LARGE)
}

impl<E: Endpoint> Endpoint for BodyLimitEndpoint<E> {
    type Output = E::Output;

    async fn call(&self, mut req: Request) -> Result<Self::Output> {
        let declared = req
            .headers()
            .get(header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<usize>().ok());
        match declared {
            Some(n) if n > self.max => return Err(too_large(self.max)),
            Some(_) => {}
            None if req.headers().contains_key(header::TRANSFER_ENCODING) => {
                let bytes = req.take_body().into_bytes_limit(self.max).await.map_err(|_| too_large(self.max))?;
                req.set_body(Body::from_bytes(bytes));
            }
            None => {}
        }
        self.inner.call(req).await
    }
}
