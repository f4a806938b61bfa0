package io.pgset.instance;

import java.security.KeyManagementException;
import java.security.SecureRandom;
import java.util.function.Supplier;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLContextSpi;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocketFactory;
import javax.net.ssl.SSLSessionContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;

/**
 * An SSLContext that makes the real one when it is first used (a handshake, its parameters asked
 * for). A server can then be built and started with TLS that no client may ever ask for: pgset's
 * own processes call each other on local sockets, and the first TLS context of a JVM costs about
 * 30 ms of CPU to set up JSSE, on top of the certificate it presents.
 */
final class DeferredSslContext extends SSLContext {

    DeferredSslContext(String protocol, Supplier<SSLContext> make) {
        super(new Spi(make), null, protocol);
    }

    private static final class Spi extends SSLContextSpi {
        private final Supplier<SSLContext> make;
        private volatile SSLContext made;

        Spi(Supplier<SSLContext> make) {
            this.make = make;
        }

        private SSLContext made() {
            SSLContext context = made;
            if (context == null) {
                synchronized (this) {
                    if (made == null) {
                        made = make.get();
                    }
                    context = made;
                }
            }
            return context;
        }

        @Override
        protected void engineInit(KeyManager[] keys, TrustManager[] trust, SecureRandom random)
                throws KeyManagementException {
            throw new KeyManagementException("a deferred SSLContext is set up by whoever makes it");
        }

        @Override
        protected SSLSocketFactory engineGetSocketFactory() {
            return made().getSocketFactory();
        }

        @Override
        protected SSLServerSocketFactory engineGetServerSocketFactory() {
            return made().getServerSocketFactory();
        }

        @Override
        protected SSLEngine engineCreateSSLEngine() {
            return made().createSSLEngine();
        }

        @Override
        protected SSLEngine engineCreateSSLEngine(String host, int port) {
            return made().createSSLEngine(host, port);
        }

        @Override
        protected SSLSessionContext engineGetServerSessionContext() {
            return made().getServerSessionContext();
        }

        @Override
        protected SSLSessionContext engineGetClientSessionContext() {
            return made().getClientSessionContext();
        }

        @Override
        protected SSLParameters engineGetDefaultSSLParameters() {
            return made().getDefaultSSLParameters();
        }

        @Override
        protected SSLParameters engineGetSupportedSSLParameters() {
            return made().getSupportedSSLParameters();
        }
    }
}
