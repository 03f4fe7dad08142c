package com.intellidial.simulator.twilio;

import java.time.Clock;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import com.intellidial.simulator.http.Json;
import com.intellidial.simulator.http.Reply;
import com.intellidial.simulator.http.Router;
import com.intellidial.simulator.twilio.TwilioAccounts.Account;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code /2010-04-01/Accounts}: a main account creates subaccounts (each with its own auth token), lists itself and
 * its subaccounts, fetches and updates (rename, suspend, reactivate, close) an account it may act on.
 */
final class TwilioAccountResources {

    private static final DateTimeFormatter DEFAULT_NAME = DateTimeFormatter
        .ofPattern("'SubAccount Created at' yyyy-MM-dd hh:mm a", Locale.US);

    private static final Set<String> STATUSES = Set.of("active", "suspended", "closed");

    private static final List<String> SUBRESOURCES = List.of("Addresses", "Conferences", "IncomingPhoneNumbers",
            "Notifications", "OutgoingCallerIds", "Queues", "Recordings", "Transcriptions", "Applications",
            "AuthorizedConnectApps", "AvailablePhoneNumbers", "Calls", "Keys", "Messages", "SIP", "Usage");

    private final TwilioAccounts accounts;

    private final Clock clock;

    TwilioAccountResources(TwilioAccounts accounts, Clock clock) {
        this.accounts = accounts;
        this.clock = clock;
    }

    void register(Router<TwilioRequest> router, String accountsPath) {
        router.route("POST", accountsPath + ".json", (request, vars) -> create(request))
            .route("GET", accountsPath + ".json", (request, vars) -> list(request, accountsPath + ".json"))
            .route("GET", accountsPath + "/{AccountSid}.json", (request, vars) -> Reply.json(200,
                    json(this.accounts.find(vars.get("AccountSid")).orElseThrow())))
            .route("POST", accountsPath + "/{AccountSid}.json", (request, vars) -> update(request, vars.get("AccountSid")));
    }

    private Reply create(TwilioRequest request) {
        Account caller = this.accounts.find(request.principal().accountSid()).orElseThrow();
        // Only a main account's own credentials (auth token, not a standard API key) may create subaccounts.
        if (request.principal().apiKey() || caller.ownerSid() != null) {
            throw new TwilioException(403, 20003, "Authenticate");
        }
        String friendlyName = request.form().nonEmpty("FriendlyName");
        if (friendlyName == null) {
            friendlyName = DEFAULT_NAME.format(LocalDateTime.ofInstant(this.clock.instant(), ZoneOffset.UTC));
        }
        Account subaccount = this.accounts.createSubaccount(caller.sid(), friendlyName, this.clock.instant());
        return Reply.json(201, json(subaccount));
    }

    private Reply list(TwilioRequest request, String path) {
        String friendlyName = request.query().nonEmpty("FriendlyName");
        String status = request.query().nonEmpty("Status");
        List<ObjectNode> visible = this.accounts.visibleTo(request.principal().accountSid())
            .stream()
            .filter(account -> friendlyName == null || friendlyName.equals(account.friendlyName()))
            .filter(account -> status == null || status.equals(account.status()))
            .map(TwilioAccountResources::json)
            .toList();
        return Reply.json(200, TwilioPage.of("accounts", visible, path, request.query()));
    }

    private Reply update(TwilioRequest request, String sid) {
        String status = request.form().nonEmpty("Status");
        if (status != null && !STATUSES.contains(status)) {
            throw TwilioException.badRequest(20001, "Invalid Status: " + status);
        }
        Account updated = this.accounts.update(sid, request.form().nonEmpty("FriendlyName"), status,
                this.clock.instant());
        return Reply.json(200, json(updated));
    }

    private static ObjectNode json(Account account) {
        String uri = "/" + TwilioFormat.API_VERSION + "/Accounts/" + account.sid();
        ObjectNode json = Json.object();
        json.put("auth_token", account.authToken());
        json.put("date_created", TwilioFormat.date(account.dateCreated()));
        json.put("date_updated", TwilioFormat.date(account.dateUpdated()));
        json.put("friendly_name", account.friendlyName());
        json.put("owner_account_sid", (account.ownerSid() != null) ? account.ownerSid() : account.sid());
        json.put("sid", account.sid());
        json.put("status", account.status());
        ObjectNode subresources = json.putObject("subresource_uris");
        for (String subresource : SUBRESOURCES) {
            subresources.put(subresource.replaceAll("([a-z])([A-Z])", "$1_$2").toLowerCase(Locale.ROOT),
                    uri + "/" + subresource + ".json");
        }
        json.put("type", "Full");
        json.put("uri", uri + ".json");
        return json;
    }
}
