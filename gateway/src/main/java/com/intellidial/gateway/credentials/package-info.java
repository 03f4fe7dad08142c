/** Upstream credentials: secret stores (local, Vault), credential cache, injection. */
@NullMarked
package com.intellidial.gateway.credentials;

import org.jspecify.annotations.NullMarked;
