# A stand-in for @IMAGE@: Debian's busybox-static, its applets linked in /bin, on an empty image.
FROM @BASE@ AS debian
FROM scratch
LABEL org.opencontainers.image.vendor="kubelab" io.kubelab.stand-in="@IMAGE@" \
      org.opencontainers.image.description="kubelab stand-in for @IMAGE@, built from Debian's busybox-static package for labs without a registry; not the official image"
COPY --from=debian /bin/busybox /bin/busybox
RUN ["/bin/busybox", "sh", "-c", "/bin/busybox --install -s /bin && mkdir -p /tmp /etc /root /home && chmod 1777 /tmp && printf 'root:x:0:0:root:/root:/bin/sh\\nnobody:x:65534:65534:nobody:/home:/bin/false\\n' > /etc/passwd && printf 'root:x:0:\\nnobody:x:65534:\\n' > /etc/group"]
ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
CMD ["sh"]
