/**
 * Where webhooks come in and may go out: the gateway's public webhook URLs and VAPI webhook
 * settings ({@link com.intellidial.gateway.callbacks.WebhooksProperties}) and the guard that keeps
 * relays and tenant-given callback URLs off internal networks
 * ({@link com.intellidial.gateway.callbacks.RelayTargetGuard}). Shared by isolation, which writes
 * callback URLs into requests, and webhooks, which receives and relays them.
 */
@NullMarked
package com.intellidial.gateway.callbacks;

import org.jspecify.annotations.NullMarked;
