package io.pgset.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import org.junit.jupiter.api.Test;

class LocalDashboardTest {

    @Test
    void theOpeningPageSendsTheBrowserOnToTheUrlWithItsTokenAndNoReferrer() {
        String page = LocalDashboard.redirect(URI.create("http://127.0.0.1:8123/#token=a-b_c"));

        assertThat(page).contains("<meta http-equiv=\"refresh\" content=\"0; url=http://127.0.0.1:8123/#token=a-b_c\">",
                "<meta name=\"referrer\" content=\"no-referrer\">", "<a href=\"http://127.0.0.1:8123/#token=a-b_c\">");
    }

    @Test
    void markupInTheUrlIsEscaped() {
        assertThat(LocalDashboard.redirect(URI.create("http://127.0.0.1:1/#a=%22&b")))
                .contains("url=http://127.0.0.1:1/#a=%22&amp;b\"");
    }
}
