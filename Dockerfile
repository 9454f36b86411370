# mockrun in a container: Debian 12 slim with mockrun's Debian package
# installed, mockrun as the entry point (docs/ci.md, "Docker").
#
#   docker build -t mockrun --build-arg MOCKRUN_COMMIT="$(git rev-parse --short=12 HEAD)" .
#   docker run --rm -v "$PWD:/work" mockrun checkout.json -- ./run-tests.sh
#
# The first stage builds the package from this source tree (cpack -G DEB);
# the second installs it with apt-get, which brings the libraries it depends
# on (CivetWeb, cJSON, PCRE2, libxml2). The command under test runs inside
# the container: base an image of your own on this one to add its tools
# (FROM mockrun, then apt-get install nodejs, say). ci/test builds this image
# and runs it where a Docker daemon is reachable (tests/dist/docker.sh).
ARG DEBIAN_IMAGE=debian:12-slim

FROM ${DEBIAN_IMAGE} AS build
RUN apt-get update \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
        build-essential cmake pkg-config libcivetweb-dev libcjson-dev libxml2-dev libpcre2-dev libyaml-dev \
        dpkg-dev file \
    && rm -rf /var/lib/apt/lists/*
COPY . /src
# The source comes without .git (.dockerignore): name the commit for --version.
ARG MOCKRUN_COMMIT=unknown
RUN cmake -S /src -B /build -DCMAKE_BUILD_TYPE=Release -DMOCKRUN_TESTS=OFF -DMOCKRUN_BENCH=OFF \
        -DMOCKRUN_GIT_COMMIT="${MOCKRUN_COMMIT}" \
    && cmake --build /build -j "$(nproc)" \
    && cpack -G DEB --config /build/CPackConfig.cmake -B /build/package

FROM ${DEBIAN_IMAGE}
COPY --from=build /build/package/mockrun_*.deb /tmp/
RUN apt-get update \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends /tmp/mockrun_*.deb \
    && rm -rf /var/lib/apt/lists/* /tmp/mockrun_*.deb \
    && mockrun --version
WORKDIR /work
ENTRYPOINT ["mockrun"]
CMD ["--help"]
