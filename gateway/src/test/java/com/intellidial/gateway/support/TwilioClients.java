package com.intellidial.gateway.support;

import java.net.URL;

import com.twilio.http.HttpClient;
import com.twilio.http.NetworkHttpClient;
import com.twilio.http.Request;
import com.twilio.http.Response;
import com.twilio.http.TwilioRestClient;

/**
 * twilio-java clients for tests: as a tenant uses it (base URL on the gateway, the gateway key as
 * password), and straight to the simulator (to set up or inspect upstream state).
 */
public final class TwilioClients {

    /** What a tenant puts where twilio-java wants an Account SID; the gateway replaces it. */
    public static final String ANY_SID = "AC00000000000000000000000000000000";

    private static final HttpClient SHARED = new NetworkHttpClient();

    private TwilioClients() {
    }

    /** A tenant's client: every request goes to {@code gatewayBase + "/twilio"}. */
    public static TwilioRestClient viaGateway(int port, String gatewayKey) {
        return new TwilioRestClient.Builder(ANY_SID, gatewayKey)
            .httpClient(new RebasingHttpClient(SHARED, "http://localhost:" + port + "/twilio"))
            .build();
    }

    /** A client straight to the simulator, as the given account. */
    public static TwilioRestClient direct(String accountSid, String authToken) {
        return new TwilioRestClient.Builder(accountSid, authToken)
            .httpClient(new RebasingHttpClient(SHARED, TestUpstream.simulator().baseUrl()))
            .build();
    }

    /**
     * Sends twilio-java's requests to another base URL (twilio-java has none), keeping the path and
     * the query string, also of the absolute page URLs it follows ({@code next_page_uri}).
     */
    public static final class RebasingHttpClient extends HttpClient {

        private final HttpClient delegate;

        private final String base;

        public RebasingHttpClient(HttpClient delegate, String base) {
            this.delegate = delegate;
            this.base = base;
        }

        @Override
        public Response makeRequest(Request request) {
            URL url = request.constructURL();
            String query = (request.getQueryParams().isEmpty() && url.getQuery() != null) ? "?" + url.getQuery() : "";
            Request rewritten = new Request(request.getMethod(), this.base + url.getPath() + query);
            request.getQueryParams().forEach((key, values) -> values.forEach((value) -> rewritten.addQueryParam(key, value)));
            request.getPostParams().forEach((key, values) -> values.forEach((value) -> rewritten.addPostParam(key, value)));
            request.getHeaderParams().forEach((key, values) -> values.forEach((value) -> rewritten.addHeaderParam(key, value)));
            if (request.getUsername() != null) {
                rewritten.setAuth(request.getUsername(), request.getPassword());
            }
            return this.delegate.makeRequest(rewritten);
        }
    }
}
