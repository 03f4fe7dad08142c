/** Test Vaults: the emulator or a Testcontainers Vault, prepared over Vault's HTTP API. */
@NullMarked
package com.intellidial.gateway.vault;

import org.jspecify.annotations.NullMarked;
