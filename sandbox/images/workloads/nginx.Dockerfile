# A stand-in for @IMAGE@: Debian's nginx-light, configured like the official image (serves
# /usr/share/nginx/html on port 80, logs to the container's stdout and stderr).
FROM @BASE@
LABEL org.opencontainers.image.vendor="kubelab" io.kubelab.stand-in="@IMAGE@" \
      org.opencontainers.image.description="kubelab stand-in for @IMAGE@, built from Debian's nginx-light package for labs without a registry; not the official image"
COPY nginx/default.conf /etc/nginx/conf.d/default.conf
COPY nginx/index.html /usr/share/nginx/html/index.html
RUN rm -f /etc/nginx/sites-enabled/default \
 && ln -sf /dev/stdout /var/log/nginx/access.log && ln -sf /dev/stderr /var/log/nginx/error.log
EXPOSE 80
STOPSIGNAL SIGQUIT
CMD ["nginx", "-g", "daemon off;"]
