/**
 * The admin console at {@code /console}: server-rendered pages (Thymeleaf, no JavaScript build)
 * over the admin API's own services. Sign-in takes an admin token and gives a server-side session
 * (an HttpOnly, SameSite=Strict cookie); every form carries the session's CSRF token; viewers get
 * pages without write controls and 403 on a write; every write leaves an audit row.
 */
@NullMarked
package com.intellidial.gateway.console;

import org.jspecify.annotations.NullMarked;
