"""Send a filled template to the portal: python3 examples/send.py FROM FILE [SUBJECT]."""

import smtplib
import sys
from email.message import EmailMessage
from email.utils import make_msgid

sender, path = sys.argv[1], sys.argv[2]
subject = sys.argv[3] if len(sys.argv) > 3 else "NEED"
message = EmailMessage()
message["From"] = sender
message["To"] = "submit@localhost"
message["Subject"] = subject
message["Message-ID"] = make_msgid()
with open(path, encoding="utf-8") as template:
    message.set_content(template.read())
with smtplib.SMTP("127.0.0.1", 8025) as server:
    server.send_message(message)
print(f"sent {path} from {sender}")
