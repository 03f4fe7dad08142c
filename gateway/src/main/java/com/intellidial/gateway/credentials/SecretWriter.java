package com.intellidial.gateway.credentials;

import java.util.Map;

import reactor.core.publisher.Mono;

/**
 * Writes secrets the admin API and provisioning own (tenant Twilio credentials, subaccount
 * tokens). Implemented by each backend and by the credential cache, which forgets the old version
 * after a write.
 */
@FunctionalInterface
public interface SecretWriter {

    /**
     * Writes a new version of a secret, replacing all its fields, without blocking.
     * @param path the secret's path below the gateway root
     * @param fields the new fields
     * @return the version written; an error when the store refuses the write or a concurrent writer
     * changed the secret in between (check-and-set)
     */
    Mono<Long> write(SecretPath path, Map<String, String> fields);
}
