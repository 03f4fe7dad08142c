package com.intellidial.gateway.architecture;

import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.stream.Stream;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaMethod;
import com.tngtech.archunit.core.domain.JavaMethodCall;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.Test;
import org.springframework.cloud.gateway.filter.GatewayFilter;
import org.springframework.cloud.gateway.filter.GlobalFilter;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.server.WebFilter;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.methods;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/**
 * Build guards that keep the code as easy to change as it is: packages form no cycles, only the
 * admin package serves {@code /admin/**}, and no filter blocks the event loop (BlockHound catches
 * what runs in tests; this catches what a test does not reach).
 */
class ArchitectureTests {

    private static final JavaClasses GATEWAY = new ClassFileImporter()
        .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
        .importPackages("com.intellidial.gateway");

    /** Calls that wait: Reactor's block*, a future's get and join, sleeping. */
    private static final DescribedPredicate<JavaMethodCall> BLOCKING = DescribedPredicate.describe("block, wait or sleep",
            call -> {
                String owner = call.getTargetOwner().getName();
                String name = call.getName();
                return ((owner.equals(Mono.class.getName()) || owner.equals(Flux.class.getName())) && name.startsWith("block"))
                        || ((owner.equals(CompletableFuture.class.getName()) || owner.equals(Future.class.getName()))
                                && Set.of("get", "join").contains(name))
                        || (owner.equals(Thread.class.getName()) && name.equals("sleep"));
            });

    @Test
    void packagesFormNoCycles() {
        ArchRule rule = slices().matching("com.intellidial.gateway.(*)..").should().beFreeOfCycles();
        rule.check(GATEWAY);
    }

    @Test
    void onlyTheAdminPackageServesAdminRoutes() {
        DescribedPredicate<JavaMethod> mapsAdmin = DescribedPredicate.describe("map a path under /admin",
                method -> paths(method).anyMatch(path -> path.equals("/admin") || path.startsWith("/admin/")));
        ArchRule rule = methods().that(mapsAdmin).should().beDeclaredInClassesThat()
            .resideInAPackage("com.intellidial.gateway.admin..");
        rule.check(GATEWAY);
    }

    @Test
    void filtersNeverBlock() {
        ArchRule rule = noClasses().that().implement(GlobalFilter.class).or().implement(WebFilter.class)
            .or().implement(GatewayFilter.class)
            .should().callMethodWhere(BLOCKING);
        rule.check(GATEWAY);
    }

    /** Every path a handler method maps, its class's {@code @RequestMapping} prefix included. */
    private static Stream<String> paths(JavaMethod javaMethod) {
        Method method;
        try {
            method = javaMethod.reflect();
        }
        catch (RuntimeException | LinkageError ex) {
            return Stream.empty();
        }
        RequestMapping mapping = AnnotatedElementUtils.findMergedAnnotation(method, RequestMapping.class);
        if (mapping == null) {
            return Stream.empty();
        }
        RequestMapping type = AnnotatedElementUtils.findMergedAnnotation(method.getDeclaringClass(), RequestMapping.class);
        List<String> prefixes = (type != null && type.path().length > 0) ? Arrays.asList(type.path()) : List.of("");
        List<String> own = (mapping.path().length > 0) ? Arrays.asList(mapping.path()) : List.of("");
        return prefixes.stream().flatMap(prefix -> own.stream().map(path -> prefix + path));
    }
}
