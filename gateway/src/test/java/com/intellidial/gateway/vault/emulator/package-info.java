/** An in-process emulator of the HashiCorp Vault HTTP API (KV v2, token and AppRole auth, ACL policies, seal). */
@NullMarked
package com.intellidial.gateway.vault.emulator;

import org.jspecify.annotations.NullMarked;
