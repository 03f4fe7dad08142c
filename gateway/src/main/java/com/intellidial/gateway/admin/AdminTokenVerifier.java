package com.intellidial.gateway.admin;

import org.springframework.stereotype.Component;

/**
 * Checks the {@code X-Admin-Token} header against {@code gateway.admin.token}. With no token
 * configured the admin API does not exist (404), rather than being open.
 */
@Component
class AdminTokenVerifier extends SharedTokenVerifier {

    AdminTokenVerifier(AdminProperties properties) {
        super(properties.token(), "The admin API is disabled.", "Missing or invalid admin token.");
    }
}
