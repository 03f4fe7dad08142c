package com.intellidial.gateway.admin;

/**
 * The admin a request to {@code /admin/**} was authenticated as.
 * @param tokenId the admin token's public id (what the audit log names as the actor)
 * @param name the token's display name
 * @param role what it may do
 */
public record AdminPrincipal(String tokenId, String name, AdminRole role) {

    /** The actor as the audit log records it. */
    public String actor() {
        return "admin:" + this.tokenId;
    }
}
