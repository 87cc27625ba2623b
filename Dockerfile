# authconform in a container: build with the official Rust image, run on Debian slim as a non-root
# user. The binary carries its suites, profiles and requirement catalogue, so the image needs no
# checkout: `docker run --rm --network host authconform run -t /work/target.yaml` with your target
# file mounted at /work. See docs/ci.md.
FROM rust:1-bookworm AS build
WORKDIR /src
COPY . .
RUN cargo build --release --locked --bin authconform \
 && strip target/release/authconform

FROM debian:bookworm-slim
# ca-certificates: a target served with a publicly trusted certificate verifies against the system store.
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 --home-dir /work --create-home --shell /usr/sbin/nologin authconform
COPY --from=build /src/target/release/authconform /usr/local/bin/authconform
USER 10001:10001
WORKDIR /work
# No progress line and no colour in a container's log.
ENV CI=true
ENTRYPOINT ["/usr/local/bin/authconform"]
CMD ["run"]
