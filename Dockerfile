# A minimal faasguard image: one static binary (musl) on an empty base.
#
#   docker build -t faasguard .
#   docker run --rm -v "$PWD:/work" faasguard scan .
#
# The release workflow builds it for linux/amd64 and linux/arm64 from the same
# sources and pushes it to ghcr.io/faasguard/faasguard.

# Alpine's Rust targets musl and links statically by default.
FROM rust:1-alpine AS build
RUN apk add --no-cache musl-dev
WORKDIR /src
COPY . .
# The last command refuses a binary that is not static: FROM scratch has no
# dynamic loader to run it.
RUN cargo build --release --locked --bin faasguard \
 && cp target/release/faasguard /faasguard \
 && ! readelf -l /faasguard | grep -q 'Requesting program interpreter'

FROM scratch
COPY --from=build /faasguard /faasguard
# The policies and rule data are inside the binary; TLS roots for --online and
# `db update` too (webpki roots), so the image needs nothing else.
WORKDIR /work
ENTRYPOINT ["/faasguard"]
CMD ["scan", "."]
