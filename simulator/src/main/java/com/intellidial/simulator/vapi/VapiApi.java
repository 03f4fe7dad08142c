package com.intellidial.simulator.vapi;

import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import com.intellidial.simulator.RecordedRequest;
import com.intellidial.simulator.SimulatorConfig;
import com.intellidial.simulator.http.Params;
import com.intellidial.simulator.http.Reply;
import com.intellidial.simulator.http.Router;
import com.intellidial.simulator.http.VendorApi;
import com.intellidial.simulator.vapi.VapiFamily.Operation;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * The simulated VAPI API: authenticates the Bearer key, then serves the org's resources from the family table. Calls
 * with a server URL progress on their own and send server messages ({@link VapiCallProgress}).
 */
public final class VapiApi implements VendorApi, AutoCloseable {

    private static final String CALLS = "/call";

    /** Every family served; adding a family is one line. */
    static final List<VapiFamily> FAMILIES = List.of(
            VapiFamily.crud("/assistant"),
            VapiFamily.crud("/phone-number"),
            VapiFamily.crud(CALLS).filteredBy("id", "assistantId", "phoneNumberId").createdBy(VapiCalls::create),
            VapiFamily.crud("/squad"),
            VapiFamily.crud("/tool"),
            VapiFamily.crud("/credential").createdBy(VapiCreators::credential),
            VapiFamily.crud("/file").filteredBy("purpose").requiring("purpose").createdBy(VapiFiles::upload),
            VapiFamily.crud(VapiKnowledgeBaseFiles.KNOWLEDGE_BASES),
            VapiFamily.crud("/campaign").paginated().filteredBy("id", "status").createdBy(VapiCreators::campaign),
            VapiFamily.crud("/session").paginated()
                .filteredBy("id", "name", "assistantId", "squadId", "phoneNumberId")
                .createdBy(VapiCreators::session),
            VapiFamily.crud("/chat").without(Operation.UPDATE).paginated()
                .filteredBy("id", "assistantId", "squadId", "sessionId", "previousChatId")
                .createdBy(VapiCreators::chat),
            VapiFamily.crud("/structured-output").paginated().filteredBy("id", "name")
                .createdBy(VapiCreators::structuredOutput),
            VapiFamily.listOf("/v2/phone-number", "/phone-number").paginated(),
            VapiFamily.crud("/v2/campaign").paginated().filteredBy("id", "status").createdBy(VapiCreators::campaign),
            // Before /eval, whose /{id} would otherwise capture "run".
            VapiFamily.crud("/eval/run").without(Operation.UPDATE).paginated().filteredBy("id")
                .createdBy(VapiCreators::evalRun),
            VapiFamily.crud("/eval").paginated().filteredBy("id"),
            VapiFamily.crud("/observability/scorecard").paginated().filteredBy("id"));

    private static final String INVALID_KEY =
            "Invalid Key. Hot tip, you may be using the private key instead of the public key, or vice versa.";

    private final Map<String, String> orgByKey;

    private final VapiResources resources;

    private final Router<VapiRequest> router = new Router<>();

    private final VapiCallProgress calls;

    /** Serves the orgs of the configured keys; created calls follow the configured timeline and webhook credential. */
    public VapiApi(SimulatorConfig config, Clock clock) {
        this.orgByKey = new ConcurrentHashMap<>(config.vapiKeys());
        this.resources = new VapiResources(clock);
        this.calls = new VapiCallProgress(this.resources, new VapiWebhooks(config, clock), config, clock);
        FAMILIES.forEach(this::addRoutes);
        new VapiKnowledgeBaseFiles(this.resources).register(this.router);
        new VapiSubResources(this.resources).register(this.router);
    }

    private void addRoutes(VapiFamily family) {
        String path = family.path();
        String item = path + "/{id}";
        if (family.operations().contains(Operation.CREATE)) {
            this.router.route("POST", path, (request, vars) -> {
                JsonNode body = family.creator().create(this.resources, family, request);
                if (family.path().equals(CALLS)) {
                    startCalls(request.orgId(), body);
                }
                return created(body);
            });
        }
        if (family.operations().contains(Operation.LIST)) {
            this.router.route("GET", path, (request, vars) -> ok(this.resources.list(family, request)));
        }
        if (family.operations().contains(Operation.FETCH)) {
            this.router.route("GET", item,
                    (request, vars) -> ok(this.resources.fetch(family, request.orgId(), vars.get("id"))));
        }
        if (family.operations().contains(Operation.UPDATE)) {
            this.router.route("PATCH", item, (request, vars) -> ok(
                    this.resources.update(family, request.orgId(), vars.get("id"), request.jsonBody())));
        }
        if (family.operations().contains(Operation.DELETE)) {
            this.router.route("DELETE", item,
                    (request, vars) -> ok(this.resources.delete(family, request.orgId(), vars.get("id"))));
        }
    }

    @Override
    public Reply handle(RecordedRequest request) {
        try {
            // NestJS resolves the route before guards run: an unknown route is a 404 even without a key.
            if (!(this.router.match(request.method(), request.path()) instanceof Router.Match.Found<VapiRequest> found)) {
                throw VapiException.of(404, "Cannot " + request.method() + " " + request.path());
            }
            String orgId = orgOf(request.header("Authorization"));
            if (orgId == null) {
                throw VapiException.of(401, INVALID_KEY);
            }
            VapiRequest vapiRequest = new VapiRequest(request, orgId, Params.ofQuery(request.rawQuery()));
            return found.handler().handle(vapiRequest, found.pathVariables());
        }
        catch (VapiException ex) {
            return ex.toReply();
        }
    }

    /** Stops every call timeline. */
    @Override
    public void close() {
        this.calls.close();
    }

    /** A single create answers the call; a batch create answers {@code {"results":[calls…]}}. */
    private void startCalls(String orgId, JsonNode created) {
        JsonNode results = created.get("results");
        if (results != null && results.isArray()) {
            results.forEach(call -> this.calls.start(orgId, call));
        }
        else {
            this.calls.start(orgId, created);
        }
    }

    /** Accepts {@code apiKey} for {@code orgId} from now on, as a key created in the VAPI dashboard. */
    public void addKey(String apiKey, String orgId) {
        this.orgByKey.put(apiKey, orgId);
    }

    /** Rejects {@code apiKey} from now on (401), as a key deleted in the VAPI dashboard. */
    public void removeKey(String apiKey) {
        this.orgByKey.remove(apiKey);
    }

    @Override
    public Reply error(int status, RecordedRequest request) {
        String message = (status == 429) ? "Too Many Requests" : "Simulated failure";
        return VapiException.of(status, message).toReply();
    }

    private @Nullable String orgOf(@Nullable String authorization) {
        if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return null;
        }
        return this.orgByKey.get(authorization.substring(7).trim());
    }

    private static Reply created(JsonNode body) {
        return Reply.json(201, body);
    }

    private static Reply ok(JsonNode body) {
        return Reply.json(200, body);
    }
}
