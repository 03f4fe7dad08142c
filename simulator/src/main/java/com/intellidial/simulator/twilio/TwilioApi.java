package com.intellidial.simulator.twilio;

import java.time.Clock;

import com.intellidial.simulator.RecordedRequest;
import com.intellidial.simulator.SimulatorConfig;
import com.intellidial.simulator.http.Params;
import com.intellidial.simulator.http.Reply;
import com.intellidial.simulator.http.ResourceStore;
import com.intellidial.simulator.http.Router;
import com.intellidial.simulator.http.VendorApi;
import com.intellidial.simulator.twilio.TwilioAccounts.Principal;

/**
 * The simulated Twilio REST API under {@code /2010-04-01}. Bad or missing credentials are a 401 (20003) before
 * anything else; valid credentials on another account's path are a 403 (20003); an unknown path or SID is a 404
 * (20404). Each account's resources are its own.
 */
public final class TwilioApi implements VendorApi {

    private static final String ACCOUNT_PATH = "/" + TwilioFormat.API_VERSION + "/Accounts/{AccountSid}";

    private final TwilioAccounts accounts;

    private final Router<TwilioRequest> router = new Router<>();

    /** Serves the accounts and API keys of {@code config}. */
    public TwilioApi(SimulatorConfig config, Clock clock) {
        this.accounts = new TwilioAccounts(config);
        ResourceStore store = new ResourceStore();
        new TwilioCalls(store, clock).register(this.router, ACCOUNT_PATH);
        new TwilioNumbers(store, clock).register(this.router, ACCOUNT_PATH);
    }

    @Override
    public Reply handle(RecordedRequest request) {
        try {
            Principal principal = this.accounts.authenticate(request.header("Authorization"))
                .orElseThrow(TwilioException::authenticate);
            Router.Match<TwilioRequest> match = this.router.match(request.method(), request.path());
            if (match instanceof Router.Match.MethodNotAllowed<TwilioRequest>) {
                throw new TwilioException(405, 20004, "Method not allowed");
            }
            if (!(match instanceof Router.Match.Found<TwilioRequest> found)) {
                throw TwilioException.notFound(request.path());
            }
            String accountSid = found.pathVariables().get("AccountSid");
            if (accountSid != null && !this.accounts.mayActOn(principal, accountSid)) {
                throw new TwilioException(403, 20003, "Authenticate");
            }
            TwilioRequest twilioRequest = new TwilioRequest(request, principal, Params.ofQuery(request.rawQuery()),
                    Params.ofForm(request.body()));
            return found.handler().handle(twilioRequest, found.pathVariables());
        }
        catch (TwilioException ex) {
            return ex.toReply();
        }
    }

    @Override
    public Reply error(int status, RecordedRequest request) {
        int code = switch (status) {
            case 401 -> 20003;
            case 404 -> 20404;
            case 429 -> 20429;
            case 503 -> 20503;
            default -> 20500;
        };
        String message = (status == 429) ? "Too Many Requests" : "Simulated failure";
        return new TwilioException(status, code, message).toReply();
    }
}
