# A stand-in for @IMAGE@: Debian's PostgreSQL, started like the official image: POSTGRES_PASSWORD
# (required, or POSTGRES_HOST_AUTH_METHOD=trust), POSTGRES_USER and POSTGRES_DB are honoured, data
# in /var/lib/postgresql/data, listening on port 5432.
FROM @BASE@
LABEL org.opencontainers.image.vendor="kubelab" io.kubelab.stand-in="@IMAGE@" \
      org.opencontainers.image.description="kubelab stand-in for @IMAGE@, built from Debian's postgresql package for labs without a registry; not the official image"
COPY postgres/docker-entrypoint.sh /usr/local/bin/docker-entrypoint.sh
ENV PGDATA=/var/lib/postgresql/data
EXPOSE 5432
STOPSIGNAL SIGINT
ENTRYPOINT ["/usr/local/bin/docker-entrypoint.sh"]
CMD ["postgres"]
