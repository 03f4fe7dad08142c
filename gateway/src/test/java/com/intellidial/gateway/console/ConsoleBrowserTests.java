package com.intellidial.gateway.console;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;

import com.intellidial.gateway.support.GatewayIntegrationTest;
import com.intellidial.gateway.support.TestInfrastructure;
import com.intellidial.gateway.support.TestTenants;
import com.intellidial.gateway.support.TestUpstream;
import com.intellidial.gateway.tenant.TelephonyMode;
import com.intellidial.gateway.tenant.VapiMode;
import com.microsoft.playwright.APIResponse;
import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import com.microsoft.playwright.options.Cookie;
import com.microsoft.playwright.options.FormData;
import com.microsoft.playwright.options.RequestOptions;
import com.microsoft.playwright.options.SameSiteAttribute;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import org.springframework.test.web.reactive.server.WebTestClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The console in headless Chromium (Debian's {@code /usr/bin/chromium}; skipped when it is
 * missing): sign-in and sign-out, a refused sign-in, the onboarding wizard up to a call through the
 * gateway with the key it showed, key rotation and revocation, a viewer, CSRF, cookie flags and
 * escaping. Each test leaves a screenshot in {@code target/screenshots/}.
 */
@GatewayIntegrationTest
class ConsoleBrowserTests {

    private static final Path CHROMIUM = Paths.get("/usr/bin/chromium");

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private static Playwright playwright;

    private static Browser browser;

    @LocalServerPort
    int port;

    @Autowired
    WebTestClient web;

    @Autowired
    TestTenants tenants;

    private BrowserContext context;

    private Page page;

    private final AtomicReference<String> dialog = new AtomicReference<>();

    @BeforeAll
    static void launch() {
        Assumptions.assumeTrue(Files.isExecutable(CHROMIUM),
                "Console browser tests need Chromium at /usr/bin/chromium (apt-get install chromium); skipped");
        Playwright.CreateOptions options = new Playwright.CreateOptions().setEnv(Map.of("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1"));
        playwright = Playwright.create(options);
        browser = playwright.chromium().launch(new BrowserType.LaunchOptions().setExecutablePath(CHROMIUM).setHeadless(true)
            .setArgs(List.of("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                    "--disable-component-update", "--disable-sync", "--no-first-run")));
    }

    @AfterAll
    static void close() {
        if (browser != null) {
            browser.close();
        }
        if (playwright != null) {
            playwright.close();
        }
    }

    @BeforeEach
    void open() {
        this.context = browser.newContext(new Browser.NewContextOptions().setBaseURL("http://localhost:" + this.port)
            .setViewportSize(1280, 900));
        this.context.setDefaultTimeout(30_000);
        this.page = this.context.newPage();
        this.page.onDialog(shown -> {
            this.dialog.set(shown.message());
            shown.dismiss();
        });
    }

    @AfterEach
    void screenshot(TestInfo info) throws Exception {
        if (this.page != null) {
            Path dir = Paths.get("target", "screenshots");
            Files.createDirectories(dir);
            this.page.screenshot(new Page.ScreenshotOptions().setFullPage(true)
                .setPath(dir.resolve("console-" + info.getTestMethod().orElseThrow().getName() + ".png")));
        }
        if (this.context != null) {
            this.context.close();
        }
    }

    @Test
    void signsInWithAnAdminTokenAndOutAgainWithAFreshHttpOnlyStrictSessionCookie() {
        // An id planted before sign-in (session fixation) is never honoured or kept.
        this.context.addCookies(List.of(new Cookie(ConsoleAccessWebFilter.COOKIE, "planted").setDomain("localhost").setPath("/console")));
        this.page.navigate("/console/tenants");
        assertThat(this.page.url()).endsWith("/console/sign-in");
        signIn(TestInfrastructure.ADMIN_TOKEN);
        assertThat(this.page.url()).endsWith("/console/tenants");
        assertThat(this.page.locator("h1").textContent()).isEqualTo("Tenants");
        Cookie session = sessionCookie();
        assertThat(session.value).isNotEqualTo("planted").hasSize(64);
        assertThat(session.httpOnly).isTrue();
        assertThat(session.sameSite).isEqualTo(SameSiteAttribute.STRICT);
        assertThat(session.path).isEqualTo("/console");
        assertThat(session.secure).as("plain http: not Secure").isFalse();
        assertThat(session.expires).as("the cookie expires").isGreaterThan(System.currentTimeMillis() / 1000.0);

        this.page.getByRole(com.microsoft.playwright.options.AriaRole.BUTTON,
                new Page.GetByRoleOptions().setName("Sign out")).click();
        assertThat(this.page.url()).endsWith("/console/sign-in");
        // The old session id is dead on the server, not just deleted in this browser.
        this.context.addCookies(List.of(new Cookie(ConsoleAccessWebFilter.COOKIE, session.value).setDomain("localhost")
            .setPath("/console")));
        this.page.navigate("/console/tenants");
        assertThat(this.page.url()).endsWith("/console/sign-in");
    }

    @Test
    void refusesAWrongTokenATenantKeyAndABearerHeader() {
        this.page.navigate("/console/sign-in");
        signIn("igw_admin_testboot_wrongwrongwrongwrongwrongwrong00");
        assertThat(this.page.locator("[role=alert]").textContent()).contains("was not accepted");
        assertThat(this.page.content()).doesNotContain("Exception").doesNotContain("at com.");
        assertThat(this.context.cookies()).noneMatch(cookie -> cookie.name.equals(ConsoleAccessWebFilter.COOKIE));

        TestTenants.TestTenant tenant = this.tenants.create("cons-key", VapiMode.SHARED_ORG, TelephonyMode.VAPI_NUMBER);
        signIn(tenant.apiKey());
        assertThat(this.page.locator("[role=alert]").textContent()).contains("tenant keys cannot sign in");

        // Neither a tenant key nor the admin token opens the console as a header: only the session cookie does.
        for (String bearer : List.of(tenant.apiKey(), TestInfrastructure.ADMIN_TOKEN)) {
            this.web.get().uri("/console/tenants").header(HttpHeaders.AUTHORIZATION, "Bearer " + bearer).exchange()
                .expectStatus().isSeeOther().expectHeader().location("/console/sign-in");
        }
    }

    @Test
    void onboardsAVapiNumberClientThroughTheWizardAndItsKeyPlacesACall() {
        this.page.navigate("/console/sign-in");
        signIn(TestInfrastructure.ADMIN_TOKEN);
        this.page.getByRole(com.microsoft.playwright.options.AriaRole.LINK,
                new Page.GetByRoleOptions().setName("Onboard a client").setExact(true)).first().click();
        String id = "cons-" + UUID.randomUUID().toString().substring(0, 8);
        String name = "<script>alert(1)</script>";
        fillWizard(id, name);
        this.page.locator("details.preview").first().locator("summary").click();
        assertThat(this.page.locator("details.preview").first().locator(".prompt").first().textContent()).isNotBlank();
        this.page.getByRole(com.microsoft.playwright.options.AriaRole.BUTTON, new Page.GetByRoleOptions().setName("5. Review")).click();

        assertThat(this.page.locator("h1").textContent()).isEqualTo("Review the onboarding");
        assertThat(this.page.locator("dl.facts dd").first().textContent()).isEqualTo(name);
        this.page.getByRole(com.microsoft.playwright.options.AriaRole.BUTTON,
                new Page.GetByRoleOptions().setName("Onboard the client")).click();

        assertThat(this.page.locator("h1").textContent()).as(this.page.content()).isEqualTo(name + " is onboarded");
        String apiKey = this.page.locator("#api-key").inputValue();
        assertThat(apiKey).startsWith("igw_");
        assertThat(this.page.locator("#webhook-secret").inputValue()).startsWith("whsec_");
        assertThat(this.page.locator("#first-call").inputValue()).contains(apiKey).contains("/vapi/call");
        // The tenant's name is text, never markup: no script ran, and the page source holds it escaped.
        assertThat(this.dialog.get()).isNull();
        assertThat(this.page.content()).contains("&lt;script&gt;alert(1)&lt;/script&gt;").doesNotContain("<script>alert(1)");

        // The key shown places the client's first call through the gateway.
        EntityExchangeResult<byte[]> call = this.web.post().uri("/vapi/call").header(HttpHeaders.AUTHORIZATION, "Bearer " + apiKey)
            .contentType(MediaType.APPLICATION_JSON).bodyValue("{\"customer\":{\"number\":\"+14155550123\"}}")
            .exchange().expectBody().returnResult();
        assertThat(call.getStatus().value()).as(new String(call.getResponseBodyContent() == null ? new byte[0]
                : call.getResponseBodyContent())).isEqualTo(201);

        // The tenant list and page escape the name too; the onboarding is in the tenant's audit entries.
        this.page.navigate("/console/tenants?q=" + id);
        assertThat(this.page.locator("tbody tr").first().locator("td").nth(1).textContent()).isEqualTo(name);
        this.page.navigate("/console/tenants/" + id);
        assertThat(this.page.locator("h1 span").first().textContent()).isEqualTo(name);
        assertThat(this.page.locator("#audit-h + .scroll").textContent()).contains("console POST /console/onboard");
        assertThat(this.dialog.get()).isNull();
    }

    @Test
    void aFailedOnboardingShowsTheFailedStepAndWhatWasUndone() {
        this.page.navigate("/console/sign-in");
        signIn(TestInfrastructure.ADMIN_TOKEN);
        String id = "consf-" + UUID.randomUUID().toString().substring(0, 8);
        fillWizard(id, "Failing client");
        this.page.getByRole(com.microsoft.playwright.options.AriaRole.BUTTON, new Page.GetByRoleOptions().setName("5. Review")).click();
        TestUpstream.simulator().faults().failNext("/assistant", 500, 1);
        try {
            this.page.getByRole(com.microsoft.playwright.options.AriaRole.BUTTON,
                    new Page.GetByRoleOptions().setName("Onboard the client")).click();
            assertThat(this.page.locator("h1").textContent()).isEqualTo("The onboarding failed");
            assertThat(this.page.locator("[role=alert]").textContent()).contains("assistant");
            assertThat(this.page.locator("dl.facts dd").first().textContent()).isEqualTo("assistant");
            assertThat(this.page.locator("main ul li").allTextContents())
                .containsExactly("vapi-webhook-credential", "webhook-secret", "key", "tenant");
            assertThat(this.page.content()).doesNotContain("Exception").doesNotContain("at com.");
        }
        finally {
            TestUpstream.simulator().faults().clear();
        }
        this.web.get().uri("/admin/v1/tenants/" + id).header(HttpHeaders.AUTHORIZATION, "Bearer " + TestInfrastructure.ADMIN_TOKEN)
            .exchange().expectStatus().isNotFound();
    }

    @Test
    void pagesFitAPhoneScreenWithoutSidewaysScrolling() {
        this.page.setViewportSize(390, 844);
        this.page.navigate("/console/sign-in");
        signIn(TestInfrastructure.ADMIN_TOKEN);
        for (String path : List.of("/console/tenants", "/console/onboard", "/console/audit")) {
            this.page.navigate(path);
            Object overflow = this.page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth");
            assertThat(((Number) overflow).intValue()).as(path).isLessThanOrEqualTo(0);
        }
    }

    @Test
    void rotatesAndRevokesKeysFromTheTenantPage() {
        TestTenants.TestTenant tenant = this.tenants.create("cons-rot", VapiMode.SHARED_ORG, TelephonyMode.VAPI_NUMBER);
        this.page.navigate("/console/sign-in");
        signIn(TestInfrastructure.ADMIN_TOKEN);
        this.page.navigate("/console/tenants/" + tenant.id());
        this.page.getByLabel("Grace (hours)").first().fill("0");
        this.page.getByRole(com.microsoft.playwright.options.AriaRole.BUTTON,
                new Page.GetByRoleOptions().setName("Rotate key " + tenant.keyId())).click();
        assertThat(this.page.locator("h1").textContent()).isEqualTo("Rotated key");
        String rotated = this.page.locator("#secret").inputValue();
        String rotatedId = this.page.locator("#key-id").textContent();
        assertThat(rotated).startsWith("igw_").contains(rotatedId);
        status(tenant.apiKey(), 401);
        status(rotated, 200);

        this.page.getByRole(com.microsoft.playwright.options.AriaRole.LINK, new Page.GetByRoleOptions().setName("Back to the tenant")).click();
        // The secret is not on the tenant page, only its id.
        assertThat(this.page.content()).doesNotContain(rotated).contains(rotatedId);
        this.page.getByRole(com.microsoft.playwright.options.AriaRole.BUTTON,
                new Page.GetByRoleOptions().setName("Revoke key " + rotatedId)).click();
        assertThat(this.page.locator("[role=status]").textContent()).contains("was revoked");
        assertThat(this.page.locator("tr[data-key-id=" + rotatedId + "]").textContent()).contains("revoked");
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).untilAsserted(() -> status(rotated, 401));
    }

    @Test
    void suspendsAfterConfirmationAndResumes() {
        TestTenants.TestTenant tenant = this.tenants.create("cons-susp", VapiMode.SHARED_ORG, TelephonyMode.VAPI_NUMBER);
        this.page.navigate("/console/sign-in");
        signIn(TestInfrastructure.ADMIN_TOKEN);
        this.page.navigate("/console/tenants/" + tenant.id());
        this.page.getByLabel("Yes, refuse every request of this tenant until it is resumed").check();
        this.page.getByRole(com.microsoft.playwright.options.AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Suspend")).click();
        assertThat(this.page.locator("[role=status]").textContent()).contains("was suspended");
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).untilAsserted(() -> status(tenant.apiKey(), 403));
        this.page.getByRole(com.microsoft.playwright.options.AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Resume")).click();
        assertThat(this.page.locator("[role=status]").textContent()).contains("was resumed");
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).untilAsserted(() -> status(tenant.apiKey(), 200));
    }

    @Test
    void aSessionEndsWhenItsAdminTokenIsRevoked() {
        JsonNode issued = JSON.readTree(this.web.post().uri("/admin/v1/admin-tokens")
            .header(HttpHeaders.AUTHORIZATION, "Bearer " + TestInfrastructure.ADMIN_TOKEN).contentType(MediaType.APPLICATION_JSON)
            .bodyValue("{\"name\":\"console short-lived\",\"role\":\"admin\"}").exchange().expectStatus().isCreated()
            .expectBody().returnResult().getResponseBodyContent());
        this.page.navigate("/console/sign-in");
        signIn(issued.get("secret").stringValue());
        assertThat(this.page.url()).endsWith("/console/tenants");
        this.web.post().uri("/admin/v1/admin-tokens/" + issued.at("/token/tokenId").stringValue() + "/revoke")
            .header(HttpHeaders.AUTHORIZATION, "Bearer " + TestInfrastructure.ADMIN_TOKEN).exchange().expectStatus().is2xxSuccessful();
        this.page.navigate("/console/tenants");
        assertThat(this.page.url()).endsWith("/console/sign-in");
    }

    @Test
    void aViewerSeesNoWriteControlsAndItsPostsAreRefused() {
        TestTenants.TestTenant tenant = this.tenants.create("cons-view", VapiMode.SHARED_ORG, TelephonyMode.VAPI_NUMBER);
        JsonNode viewer = JSON.readTree(this.web.post().uri("/admin/v1/admin-tokens")
            .header(HttpHeaders.AUTHORIZATION, "Bearer " + TestInfrastructure.ADMIN_TOKEN).contentType(MediaType.APPLICATION_JSON)
            .bodyValue("{\"name\":\"console viewer\",\"role\":\"viewer\"}").exchange().expectStatus().isCreated()
            .expectBody().returnResult().getResponseBodyContent());
        this.page.navigate("/console/sign-in");
        signIn(viewer.get("secret").stringValue());
        this.page.navigate("/console/tenants/" + tenant.id());
        assertThat(this.page.locator("h1").textContent()).contains(tenant.id());
        assertThat(this.page.locator("main form[method=post]").count()).as("no write forms").isZero();
        assertThat(this.page.locator("text=Onboard a client").count()).isZero();
        String csrf = this.page.locator("input[name=_csrf]").first().inputValue();
        APIResponse posted = this.context.request().post("/console/tenants/" + tenant.id() + "/keys",
                RequestOptions.create().setForm(FormData.create().set("_csrf", csrf).set("label", "sneaky")).setMaxRedirects(0));
        assertThat(posted.status()).isEqualTo(403);
        assertThat(posted.text()).contains("may only read").doesNotContain("Exception");
        this.page.navigate("/console/tenants/" + tenant.id());
        assertThat(this.page.locator("tbody tr[data-key-id]").count()).as("no key was issued").isEqualTo(1);
    }

    @Test
    void aPostWithoutTheSessionsCsrfTokenIsRefused() {
        TestTenants.TestTenant tenant = this.tenants.create("cons-csrf", VapiMode.SHARED_ORG, TelephonyMode.VAPI_NUMBER);
        this.page.navigate("/console/sign-in");
        signIn(TestInfrastructure.ADMIN_TOKEN);
        this.page.navigate("/console/tenants/" + tenant.id());
        for (FormData form : List.of(FormData.create().set("label", "forged"),
                FormData.create().set("_csrf", "0".repeat(64)).set("label", "forged"))) {
            APIResponse posted = this.context.request().post("/console/tenants/" + tenant.id() + "/keys",
                    RequestOptions.create().setForm(form).setMaxRedirects(0));
            assertThat(posted.status()).isEqualTo(403);
            assertThat(posted.text()).contains("did not come from the console");
        }
        this.page.navigate("/console/tenants/" + tenant.id());
        assertThat(this.page.locator("tbody tr[data-key-id]").count()).as("no key was issued").isEqualTo(1);
        this.page.navigate("/console/audit?tenant=" + tenant.id());
        assertThat(this.page.locator("#chain").textContent()).contains("intact");
        // Refused posts are audited with the path they were sent to.
        assertThat(this.page.locator("tbody").textContent()).contains("console POST /console/tenants/" + tenant.id() + "/keys")
            .contains("403");
    }

    private void fillWizard(String id, String name) {
        if (!this.page.url().endsWith("/console/onboard")) {
            this.page.navigate("/console/onboard");
        }
        this.page.getByLabel("Name", new Page.GetByLabelOptions().setExact(true)).fill(name);
        this.page.getByLabel("Tenant id").fill(id);
        this.page.getByLabel("The client's webhook URL").fill("https://client.example/webhooks/vapi");
        this.page.getByLabel("Shared platform org").check();
        this.page.getByLabel("Use a VAPI number").check();
        this.page.locator("#template").selectOption("appointment-reminder");
    }

    private void signIn(String token) {
        if (!this.page.url().endsWith("/console/sign-in")) {
            this.page.navigate("/console/sign-in");
        }
        this.page.getByLabel("Admin token").fill(token);
        this.page.getByRole(com.microsoft.playwright.options.AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Sign in")).click();
        this.page.waitForLoadState();
    }

    private Cookie sessionCookie() {
        return this.context.cookies().stream().filter(cookie -> cookie.name.equals(ConsoleAccessWebFilter.COOKIE)).findFirst()
            .orElseThrow();
    }

    private void status(String key, int expected) {
        this.web.get().uri("/vapi/assistant").header(HttpHeaders.AUTHORIZATION, "Bearer " + key).exchange()
            .expectStatus().isEqualTo(expected);
    }
}
