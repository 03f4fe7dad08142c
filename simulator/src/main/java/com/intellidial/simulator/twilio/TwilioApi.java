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
 * The simulated Twilio REST API under {@code /2010-04-01}. Bad or missing credentials (or a suspended account) are
 * a 401 (20003) before anything else; valid credentials on a path of an account that is neither the caller nor its
 * subaccount are a 403 (20003); an unknown path or SID is a 404 (20404). Each account's resources are its own.
 */
public final class TwilioApi implements VendorApi, AutoCloseable {

    private static final String ACCOUNTS_PATH = "/" + TwilioFormat.API_VERSION + "/Accounts";

    private static final String ACCOUNT_PATH = ACCOUNTS_PATH + "/{AccountSid}";

    private final TwilioAccounts accounts;

    private final TwilioCallProgress progress;

    private final Router<TwilioRequest> router = new Router<>();

    /** Serves the accounts and API keys of {@code config}, moving calls along its call timeline. */
    public TwilioApi(SimulatorConfig config, Clock clock) {
        this.accounts = new TwilioAccounts(config, clock.instant());
        ResourceStore store = new ResourceStore();
        TwilioNumberPool pool = new TwilioNumberPool();
        TwilioRecordings recordings = new TwilioRecordings(store);
        this.progress = new TwilioCallProgress(store, this.accounts, recordings, new TwilioWebhooks(), config, clock);
        new TwilioAccountResources(this.accounts, clock).register(this.router, ACCOUNTS_PATH);
        new TwilioCalls(store, this.progress, clock).register(this.router, ACCOUNT_PATH);
        new TwilioNumbers(store, pool, clock).register(this.router, ACCOUNT_PATH);
        new TwilioAvailableNumbers(pool).register(this.router, ACCOUNT_PATH);
        new TwilioMessages(store, clock).register(this.router, ACCOUNT_PATH);
        recordings.register(this.router, ACCOUNT_PATH);
        new TwilioUsage(store, this.accounts, clock).register(this.router, ACCOUNT_PATH);
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

    /** Stops every call timeline: no more status callbacks. */
    @Override
    public void close() {
        this.progress.close();
    }
}
